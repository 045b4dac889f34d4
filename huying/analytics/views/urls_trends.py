"""/work/rates/trends/: the trends page (趋势分析) and its Excel export."""

from django.urls import path

from huying.analytics.views import trends

urlpatterns = [
    path("", trends.trends_page, name="trends"),
    path("export.xlsx", trends.trends_export, name="trends_export"),
]
