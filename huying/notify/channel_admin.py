"""The channels' settings in the admin: SMS gateway, mail server, webhooks. Secrets are written, never shown."""

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.notify.models import MailServer, SmsGateway, Webhook


class SecretKeepingForm(forms.ModelForm):
    """The `secret_fields` are never sent back to the browser; left empty on a change, they keep their value."""

    secret_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.secret_fields:
            field = self.fields[name]
            field.widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
            if self.instance.pk is not None:
                field.required = False
                field.help_text = _("留空则保留原值")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self.secret_fields:
            if self.instance.pk is not None and not cleaned.get(name):
                cleaned[name] = getattr(self.instance, name)  # the stored value, not yet replaced by the form's
        return cleaned


class MailServerForm(SecretKeepingForm):
    secret_fields = ("password",)

    class Meta:
        model = MailServer
        fields = ("name", "host", "port", "username", "password", "use_tls", "use_ssl", "from_email", "active")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("use_tls") and cleaned.get("use_ssl"):
            self.add_error("use_ssl", _("STARTTLS 与 SSL 只能选择一种"))
        return cleaned


def https_by_default(field: Any, **kwargs: Any) -> Any:
    """An address typed without a scheme is taken as https (Django 6's default, asked for now)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class WebhookForm(SecretKeepingForm):
    secret_fields = ("secret",)

    class Meta:
        model = Webhook
        fields = ("name", "url", "secret", "actions", "active")
        formfield_callback = https_by_default


class SmsGatewayForm(forms.ModelForm):
    class Meta:
        model = SmsGateway
        fields = ("name", "url", "body_template", "headers", "quiet_from", "quiet_until", "active")
        formfield_callback = https_by_default

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        body = json.dumps(cleaned.get("body_template"), ensure_ascii=False)
        missing = [p for p in ("{phone}", "{text}") if p not in body]
        if "body_template" in cleaned and missing:  # a gateway that would never get the number or the text
            self.add_error("body_template", _("请求体模板须包含 %(names)s") % {"names": "、".join(missing)})
        ends = (cleaned.get("quiet_from"), cleaned.get("quiet_until"))
        if (ends[0] is None) != (ends[1] is None):  # half a window would silently be none at all
            self.add_error("quiet_until" if ends[1] is None else "quiet_from", _("免打扰时段须同时填写开始和结束"))
        return cleaned


class HttpsByDefault(admin.ModelAdmin):
    """The admin builds its own form fields: the same default for them."""

    def formfield_for_dbfield(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(SmsGateway)
class SmsGatewayAdmin(HttpsByDefault):
    form = SmsGatewayForm
    list_display = ("name", "url", "quiet_from", "quiet_until", "active")
    list_filter = ("active",)


@admin.register(MailServer)
class MailServerAdmin(admin.ModelAdmin):
    form = MailServerForm
    list_display = ("name", "host", "port", "username", "from_email", "use_tls", "use_ssl", "active")
    list_filter = ("active",)


@admin.register(Webhook)
class WebhookAdmin(HttpsByDefault):
    form = WebhookForm
    list_display = ("name", "url", "actions", "active")
    list_filter = ("active",)
    search_fields = ("name", "url")
