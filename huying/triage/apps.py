from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "huying.triage"
    label = "triage"
    verbose_name = "智能研判 Triage"
