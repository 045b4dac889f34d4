"""/work/screen/: the command-centre wall screen and its figures."""

from django.urls import path

from huying.workbench.screen import views

urlpatterns = [
    path("", views.screen_page, name="screen"),
    path("stats.json", views.stats_json, name="screen_stats"),
]
