"""/work/inbox/: the staff member's own messages (站内信), opening one, and marking all read."""

from django.urls import path

from huying.workbench.inbox import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.read_all, name="inbox_read_all"),
    path("<int:message_id>/open/", views.open_message, name="inbox_open"),
]
