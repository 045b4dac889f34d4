from django.apps import AppConfig


class UpstreamConfig(AppConfig):
    name = "huying.upstream"
    label = "upstream"
    verbose_name = "上级平台 Upstream platforms"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from huying.cases.models import CaseEvent
        from huying.upstream.signals import on_case_event_saved

        post_save.connect(on_case_event_saved, sender=CaseEvent, dispatch_uid="upstream_outbox")
