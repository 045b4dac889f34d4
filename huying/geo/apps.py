from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "huying.geo"
    label = "geo"
    verbose_name = "地址与网格 Places"
