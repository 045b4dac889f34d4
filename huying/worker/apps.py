from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "huying.worker"
    label = "worker"
    verbose_name = "后台任务 Worker"
