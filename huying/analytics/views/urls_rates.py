"""/work/rates/: overview, ranking and drill-down (namespace "analytics")."""

from django.urls import path

from huying.analytics.views import rates

urlpatterns = [
    path("", rates.overview, name="overview"),
    path("ranking/", rates.ranking, name="ranking"),
    path("cases/", rates.cases, name="cases"),
]
