from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "huying.cases"
    label = "cases"
    verbose_name = "诉求工单 Cases"
