"""/work/: every part of the staff console under one namespace ("work")."""

from django.urls import include, path

from huying.workbench import views

app_name = "work"
urlpatterns = [
    path("", views.home, name="home"),
    path("", include("huying.workbench.queues.urls")),
    path("cases/", include("huying.workbench.casepage.urls")),
    path("map/", include("huying.workbench.maps.urls")),
    path("screen/", include("huying.workbench.screen.urls")),
    path("inbox/", include("huying.workbench.inbox.urls")),
]
