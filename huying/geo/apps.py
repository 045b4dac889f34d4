from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "huying.geo"
    label = "geo"
    verbose_name = "地址与网格 Places"

    def ready(self) -> None:
        from huying.geo import registry  # noqa: F401  (connects the signals that keep the place index fresh)
