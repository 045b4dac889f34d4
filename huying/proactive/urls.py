"""/patrol/: grid workers' patrols (网格巡) and their reports."""

from django.urls import path

from huying.proactive import views

app_name = "patrol"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("stop/", views.stop, name="stop"),
    path("report/", views.report, name="report"),
]
