"""/work/cases/: the case page, its actions, and the photos it shows."""

from django.urls import path

from huying.workbench.casepage import views

urlpatterns = [
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<str:number>/", views.case, name="case"),
    path("<str:number>/<slug:action>/", views.act, name="case_act"),
]
