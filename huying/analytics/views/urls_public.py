"""URL routes: filled in by the analytics pages."""

urlpatterns: list = []
