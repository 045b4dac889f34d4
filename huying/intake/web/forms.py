"""The public forms: resident (线上报事/扫码报事), business (企业诉求) and one-key emergency (一键紧急呼叫).

Each form turns what was typed into the keyword arguments of case_create; it never writes anything itself.
"""

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from huying.cases.models import Urgency
from huying.catalog.models import Category, RequestType
from huying.geo.models import Building
from huying.intake.web.abuse import challenge_issue
from huying.intake.web.qr import place_token
from huying.intake.web.validators import credit_code_validate, phone_validate
from huying.lib.photo_fields import PhotosField

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

DESCRIPTION_MAX = 2000
DEFAULT_REQUEST_TYPE = "complaint"  # 投诉: what most residents who write in mean
EMERGENCY_REQUEST_TYPE = "help"  # 求助


def localised_name(obj: Category | RequestType) -> str:
    """The English name when the page is in English and one was entered; the Chinese name otherwise."""
    if (get_language() or "").startswith("en") and obj.name_en:
        return obj.name_en
    return obj.name


def category_choices() -> tuple[list[int], list[tuple[str, list[tuple[int, str]]]]]:
    """Active second- and third-level categories grouped under their first level, from one query."""
    categories = list(Category.objects.filter(active=True).order_by("sort", "code"))
    by_id = {c.pk: c for c in categories}
    groups: dict[int, list[tuple[int, str]]] = {c.pk: [] for c in categories if c.level == 1}
    for category in categories:
        parent = by_id.get(category.parent_id) if category.parent_id else None
        if category.level == 2 and parent and parent.pk in groups:
            groups[parent.pk].append((category.pk, localised_name(category)))
        elif category.level == 3 and parent and parent.parent_id in groups:
            groups[parent.parent_id].append((category.pk, f"{localised_name(parent)} · {localised_name(category)}"))
    grouped = [(localised_name(by_id[root]), options) for root, options in groups.items() if options]
    return [pk for _, options in grouped for pk, _ in options], grouped


class TelInput(forms.TextInput):
    input_type = "tel"  # the phone keyboard on a phone





class PublicForm(forms.Form):
    """What every public form carries: the challenge token and the honeypot (see abuse.py)."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # The honeypot (named HONEYPOT_FIELD): hidden from people by CSS, named like a field robots love to fill.
    website = forms.CharField(required=False, label=gettext_lazy("请勿填写此项"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["form_token"] = challenge_issue()

    def phone(self) -> str:
        return self.cleaned_data.get("reporter_phone", "")

    def case_fields(self) -> dict[str, Any]:
        """The keyword arguments of case_create this form stands for (without `by` and `channel`)."""
        raise NotImplementedError

    def _position(self) -> dict[str, Any]:
        lat, lon = self.cleaned_data.get("lat"), self.cleaned_data.get("lon")
        if lat is None or lon is None:  # half a position is no position
            lat = lon = None
        return {"address": self.cleaned_data.get("address", ""), "lat": lat, "lon": lon}


def _position_field(label: "str | StrPromise", low: float, high: float) -> forms.FloatField:
    # Filled by intake/intake.js from the phone's position; a map pin comes with the staff map issue.
    return forms.FloatField(label=label, required=False, min_value=low, max_value=high, widget=forms.HiddenInput)


class ResidentForm(PublicForm):
    request_type = forms.ModelChoiceField(
        queryset=RequestType.objects.order_by("sort"), to_field_name="code", label=gettext_lazy("诉求类型"),
        widget=forms.RadioSelect, empty_label=None,
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), required=False, label=gettext_lazy("问题分类"),
        empty_label=gettext_lazy("不确定（由工作人员分类）"),
    )
    description = forms.CharField(label=gettext_lazy("诉求内容"), max_length=DESCRIPTION_MAX,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    photos = PhotosField(required=False, label=gettext_lazy("照片"),
                         help_text=gettext_lazy("最多 9 张，每张不超过 10 MB；位置等拍摄信息会被去除"))
    address = forms.CharField(label=gettext_lazy("地点"), max_length=300, required=False,
                              help_text=gettext_lazy("如：幸福里小区3栋东门"))
    lat = _position_field(gettext_lazy("纬度"), -90, 90)
    lon = _position_field(gettext_lazy("经度"), -180, 180)
    place = forms.CharField(widget=forms.HiddenInput, required=False)
    reporter_name = forms.CharField(label=gettext_lazy("称呼"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=30, required=False,
                                     widget=TelInput(attrs={"autocomplete": "tel"}),
                                     help_text=gettext_lazy("手机或固定电话，用于回复和回访；匿名反映可不填"))
    anonymous = forms.BooleanField(label=gettext_lazy("匿名反映（不公开姓名）"), required=False)
    consent = forms.BooleanField(
        label=gettext_lazy("我已阅读并同意隐私声明"),
        error_messages={"required": gettext_lazy("请阅读并同意隐私声明后再提交")},
    )

    def __init__(self, *args: Any, building: Building | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.building = building
        ids, grouped = category_choices()
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Category.objects.filter(pk__in=ids)
        field.choices = [("", field.empty_label), *grouped]
        request_type = self.fields["request_type"]
        assert isinstance(request_type, forms.ModelChoiceField)
        request_type.label_from_instance = localised_name  # type: ignore[method-assign]
        self.initial.setdefault("request_type", DEFAULT_REQUEST_TYPE)
        if building is not None and not self.is_bound:
            # The token rides along in the form so the POST still knows the scanned building.
            self.initial.update(address=" ".join(filter(None, [building.address, building.name])),
                                lat=building.lat, lon=building.lon, place=place_token(building))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        phone = cleaned.get("reporter_phone", "")
        if phone:
            try:
                cleaned["reporter_phone"] = phone_validate(phone)
            except ValidationError as exc:
                self.add_error("reporter_phone", exc)
        elif not cleaned.get("anonymous"):
            self.add_error("reporter_phone", _("请填写联系电话，便于回复您（匿名反映可不填）"))
        return cleaned

    def case_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "request_type": data["request_type"], "category": data.get("category"),
            "description": data["description"], "reporter_name": data.get("reporter_name", ""),
            "reporter_phone": data.get("reporter_phone", ""), "anonymous": bool(data.get("anonymous")),
            "consent": bool(data["consent"]), "attachments": data.get("photos") or [], **self._position(),
        }


class BusinessForm(ResidentForm):
    """企业诉求: the resident form plus who the business is; a business does not report anonymously."""

    anonymous = None  # type: ignore[assignment]
    company_name = forms.CharField(label=gettext_lazy("企业名称"), max_length=200)
    credit_code = forms.CharField(label=gettext_lazy("统一社会信用代码"), max_length=30, required=False,
                                  help_text=gettext_lazy("18位，见营业执照"))
    field_order = ["company_name", "credit_code"]

    def clean_credit_code(self) -> str:
        code = self.cleaned_data.get("credit_code", "")
        return credit_code_validate(code) if code else ""

    def case_fields(self) -> dict[str, Any]:
        return {**super().case_fields(), "business": True, "company_name": self.cleaned_data["company_name"],
                "credit_code": self.cleaned_data.get("credit_code", "")}


class EmergencyForm(PublicForm):
    """一键紧急呼叫: what is happening, where, and a number to call back — nothing more."""

    description = forms.CharField(label=gettext_lazy("发生了什么"), max_length=DESCRIPTION_MAX,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    address = forms.CharField(label=gettext_lazy("在哪里"), max_length=300, required=False)
    lat = _position_field(gettext_lazy("纬度"), -90, 90)
    lon = _position_field(gettext_lazy("经度"), -180, 180)
    reporter_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=30,
                                     widget=TelInput(attrs={"autocomplete": "tel"}))

    def clean_reporter_phone(self) -> str:
        return phone_validate(self.cleaned_data["reporter_phone"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        has_position = cleaned.get("lat") is not None and cleaned.get("lon") is not None
        if not cleaned.get("address", "").strip() and not has_position:
            self.add_error("address", _("请填写地点，或点击“使用我的位置”"))
        return cleaned

    def case_fields(self) -> dict[str, Any]:
        request_type = (RequestType.objects.filter(code=EMERGENCY_REQUEST_TYPE).first()
                        or RequestType.objects.order_by("sort").first())
        # PIPL art. 13(4): personal data may be processed without consent to protect life and property in an
        # emergency, so this form asks no consent and the case records none.
        return {"request_type": request_type, "description": self.cleaned_data["description"],
                "reporter_phone": self.cleaned_data["reporter_phone"], "urgency": Urgency.EMERGENCY,
                "consent": False, **self._position()}
