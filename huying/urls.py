from django.contrib import admin
from django.urls import include, path

from huying import views
from huying.api import api

# No /media/ route: photos are personal data, served only by views that check who asks (a case's unit,
# the tracking link's holder).
urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("huying.intake.urls")),
    path("t/", include("huying.feedback.urls")),
    path("patrol/", include("huying.proactive.urls")),
    path("work/rates/", include("huying.analytics.urls")),
    path("work/", include("huying.workbench.urls")),
    path("gongshi/", include("huying.analytics.public_urls")),
]
