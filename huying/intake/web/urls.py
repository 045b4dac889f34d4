"""Public pages under /r/ (resident channels) and the staff's QR sheets."""

from django.urls import path

from huying.intake.web import views

app_name = "intake_web"

urlpatterns = [
    path("new/", views.resident_new, name="new"),
    path("business/", views.business_new, name="business"),
    path("emergency/", views.emergency_new, name="emergency"),
    path("suggest/", views.suggest, name="suggest"),
    path("done/", views.done, name="done"),
    path("privacy/", views.privacy, name="privacy"),
    path("qr/sheet/", views.qr_sheet, name="qr_sheet"),
    path("qr/sheet.pdf", views.qr_sheet_pdf, name="qr_sheet_pdf"),
]
