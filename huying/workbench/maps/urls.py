"""/work/map/: the map page and its JSON (boundaries, case points, heat)."""

from django.urls import path

from huying.workbench.maps import views

urlpatterns = [
    path("", views.map_page, name="map"),
    path("areas.json", views.areas_json, name="map_areas"),
    path("cases.json", views.cases_json, name="map_cases"),
    path("heat.json", views.heat_json, name="map_heat"),
]
