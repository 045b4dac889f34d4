"""Shared steps for the resident-side tests: a case handled to its result by the community, through the services."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from huying.cases import services as svc
from huying.cases.models import Case

RESULT = "垃圾已全部清运，已回复诉求人"


def photo(name: str = "result.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def handle_to_result(cast, case: Case, *, result: str = RESULT, attachments=()) -> Case:
    """The community signs for the case and reports its result (签收, 办结)."""
    svc.case_accept(case=case, by=cast.community_staff)
    svc.case_resolve(case=case, by=cast.community_staff, result=result, attachments=attachments)
    return case
