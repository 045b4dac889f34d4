"""The public record (公示): no login, anonymised."""

from django.urls import include, path

app_name = "public"

urlpatterns = [path("", include("huying.analytics.views.urls_public"))]
