"""/work/rates/bulletins/: the monthly bulletins (namespace "analytics")."""

from django.urls import path

from huying.analytics.views import bulletin

urlpatterns = [
    path("", bulletin.bulletin_list, name="bulletins"),
    path("generate/", bulletin.bulletin_create, name="bulletin_generate"),
    path("<int:pk>.<str:fmt>", bulletin.bulletin_file, name="bulletin_file"),
]
