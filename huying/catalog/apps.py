from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "huying.catalog"
    label = "catalog"
    verbose_name = "分类与分级 Catalogue"
