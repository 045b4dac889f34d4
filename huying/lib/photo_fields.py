"""The form field for photos, shared by every form that takes them (resident, patrol, case actions)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from huying.lib.photos import photo_clean

MAX_PHOTOS = 9


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to `max_count` photos in one input, each checked by content and re-encoded by photo_clean (EXIF and
    GPS stripped); cleans to a list of files. A refusal names the photo by its place in the selection."""

    widget = MultiplePhotoInput(attrs={"accept": "image/*"})

    def __init__(self, *, max_count: int = MAX_PHOTOS, **kwargs: Any):
        self.max_count = max_count
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(uploads) > self.max_count:
            raise ValidationError(_("最多上传 %(n)d 张照片") % {"n": self.max_count}, code="too_many")
        cleaned = []
        for number, upload in enumerate(uploads, start=1):
            try:
                cleaned.append(photo_clean(upload))
            except ValidationError as exc:
                raise ValidationError(_("第 %(n)d 张：%(why)s") % {"n": number, "why": exc.messages[0]},
                                      code=exc.code) from exc
        return cleaned
