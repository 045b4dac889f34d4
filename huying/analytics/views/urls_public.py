"""URL routes of the public record (公示), mounted at /gongshi/ in the "public" namespace."""

from django.urls import path

from huying.analytics.views import public

urlpatterns = [
    path("", public.cases, name="cases"),
    path("rankings/", public.rankings, name="rankings"),
    path("search/", public.search, name="search"),
]
