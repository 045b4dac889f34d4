from django.apps import AppConfig


class TimersConfig(AppConfig):
    name = "huying.timers"
    label = "timers"
    verbose_name = "时限督办 Deadlines"
