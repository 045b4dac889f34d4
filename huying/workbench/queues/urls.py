"""/work/queues/ and /work/grid/: the work queues and the grid worker's phone page."""

from django.urls import path

from huying.workbench.queues import export, views

urlpatterns = [
    path("queues/", views.queues, name="queues"),
    path("queues/export/", export.export, name="queues_export"),
    path("grid/", views.grid, name="grid"),
]
