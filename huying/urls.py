from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from huying import views
from huying.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("huying.intake.urls")),
    path("t/", include("huying.feedback.urls")),
    path("patrol/", include("huying.proactive.urls")),
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
]
