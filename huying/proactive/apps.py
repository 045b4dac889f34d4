from django.apps import AppConfig


class ProactiveConfig(AppConfig):
    name = "huying.proactive"
    label = "proactive"
    verbose_name = "主动治理 Proactive work"
