"""The grid worker's report form: what was found, where, photos, and whether it was solved on the spot."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from huying.catalog.models import Category, RequestType
from huying.lib.photo_fields import PhotosField

MAX_PHOTOS = 6
MAX_TEXT = 4000


class TextBox(forms.CharField):
    """A multi-line text: browsers send CRLF line breaks; the case keeps plain newlines."""

    widget = forms.Textarea

    def to_python(self, value) -> str:
        return (super().to_python(value) or "").replace("\r\n", "\n")





def default_request_type() -> RequestType | None:
    """求助 when the catalogue has it (what a patrol finds is mostly someone's need), else the first type."""
    return RequestType.objects.filter(code="help").first() or RequestType.objects.order_by("sort", "pk").first()


class PatrolReportForm(forms.Form):
    description = TextBox(label=_("发现的问题"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ModelChoiceField(queryset=Category.objects.filter(active=True).order_by("code"),
                                      label=_("诉求分类"), required=False, empty_label=_("（未确定）"))
    request_type = forms.ModelChoiceField(queryset=RequestType.objects.all(), label=_("诉求类型"))
    address = forms.CharField(label=_("地点"), max_length=300, required=False,
                              help_text=_("填写地址，或点“获取当前位置”"))
    lat = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    photos = PhotosField(label=_("现场照片"), required=False, max_count=MAX_PHOTOS)
    solved = forms.BooleanField(label=_("当场解决"), required=False)
    result = TextBox(label=_("处置情况"), max_length=MAX_TEXT, required=False,
                     widget=forms.Textarea(attrs={"rows": 2}))
    after_photos = PhotosField(label=_("处置后照片"), required=False, max_count=MAX_PHOTOS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["request_type"].initial = default_request_type()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            self.add_error(None, _("定位不完整，请重新获取当前位置"))
        if not (data.get("address") or "").strip() and lat is None and "lat" not in self.errors:
            self.add_error("address", _("请填写地点，或获取当前位置"))
        if data.get("solved"):
            if not (data.get("result") or "").strip():
                self.add_error("result", _("当场解决须填写处置情况"))
            if not data.get("after_photos") and "after_photos" not in self.errors:
                self.add_error("after_photos", _("当场解决须上传处置后照片"))
        return data
