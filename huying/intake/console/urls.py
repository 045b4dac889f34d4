"""/console/: staff entry screens behind the login."""

from django.urls import path

from huying.intake.console import views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("hotline/", views.hotline, name="hotline"),
    path("hotline/caller/", views.caller, name="caller"),
    path("hotline/triage/", views.triage, name="triage"),
    path("visit/", views.visit, name="visit"),
]
