"""The analytics pages for staff (/work/rates/...) and the public record (/gongshi/)."""

from django.urls import include, path

app_name = "analytics"

urlpatterns = [
    path("", include("huying.analytics.views.urls_rates")),
    path("trends/", include("huying.analytics.views.urls_trends")),
    path("bulletins/", include("huying.analytics.views.urls_bulletin")),
]
