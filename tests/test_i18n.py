"""Chinese first, English complete: the catalogue is whole, compiled, and used by the API."""

import gettext
from pathlib import Path

import polib

import huying
from tests.test_api_helpers import Api

LOCALE = Path(huying.__file__).parent / "locale" / "en" / "LC_MESSAGES"


def test_every_interface_string_has_an_english_translation():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    assert len(catalogue) > 200
    assert [e.msgid for e in catalogue if not e.translated()] == []


def test_the_compiled_catalogue_matches_the_source_catalogue():
    compiled = gettext.GNUTranslations((LOCALE / "django.mo").open("rb"))
    for entry in polib.pofile(str(LOCALE / "django.po")):
        if entry.msgctxt is None and entry.msgid_plural == "":
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_api_errors_are_chinese_by_default_and_english_on_request(cast, new_case):
    case = new_case()
    chinese = Api(cast.outsider).get(f"/cases/{case.number}").json()
    english = Api(cast.outsider, language="en").get(f"/cases/{case.number}").json()
    assert chinese["code"] == english["code"] == "case_not_found"
    assert chinese["message"] == "工单不存在或无权查看"
    assert english["message"].isascii() and english["message"] != chinese["message"]
