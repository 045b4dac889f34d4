"""Web pages for intake channels: resident and business forms, QR codes, emergency (web/) and staff entry (console/)."""

from django.urls import include, path

urlpatterns = [
    path("r/", include("huying.intake.web.urls")),
    path("console/", include("huying.intake.console.urls")),
]
