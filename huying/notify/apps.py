from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "huying.notify"
    label = "notify"
    verbose_name = "通知 Notifications"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from huying.cases.models import CaseEvent
        from huying.notify.handlers import case_event_saved

        # dispatch_uid: ready() may run twice (tests, autoreload); the handler must be connected once.
        post_save.connect(case_event_saved, sender=CaseEvent, dispatch_uid="notify.case_event_saved")
