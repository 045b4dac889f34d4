from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "huying.notify"
    label = "notify"
    verbose_name = "通知 Notifications"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, post_save

        from huying.cases.models import CaseEvent
        from huying.notify.handlers import case_event_saved
        from huying.notify.template_seed import message_templates_seed

        # dispatch_uid: ready() may run twice (tests, autoreload); each handler must be connected once.
        post_save.connect(case_event_saved, sender=CaseEvent, dispatch_uid="notify.case_event_saved")
        # sender=self: post_migrate is sent once per installed app; the templates are seeded once per migrate.
        post_migrate.connect(message_templates_seed, sender=self, dispatch_uid="notify.message_templates_seed")
