from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "huying.analytics"
    label = "analytics"
    verbose_name = "考核统计 Analytics"

    def ready(self) -> None:
        from huying.analytics import marks  # noqa: F401  (connects the case-event receiver)
