from django.apps import AppConfig


class UpstreamConfig(AppConfig):
    name = "huying.upstream"
    label = "upstream"
    verbose_name = "上级平台 Upstream platforms"
