"""/t/: the resident's tracking pages, reached by the private link or by case number plus phone digits."""

from django.urls import path

from huying.feedback import views

app_name = "feedback"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("<str:token>/", views.track, name="track"),
    path("<str:token>/rate/", views.rate, name="rate"),
    path("<str:token>/reopen/", views.reopen, name="reopen"),
    path("<str:token>/photo/<int:attachment_id>/", views.photo, name="photo"),
]
