from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "huying.intake"
    label = "intake"
    verbose_name = "受理渠道 Intake channels"
