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


def test_every_string_in_the_source_is_in_the_catalogue_and_translated(tmp_path, settings, monkeypatch):
    """What `make messages` would find today: a new string that nobody translated fails here, not in front of
    an English-speaking user. Runs makemessages on a copy, so the committed catalogue is never touched."""
    import shutil

    from django.core.management import call_command

    source = Path(huying.__file__).parent
    copy = tmp_path / "huying"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "migrations"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
    fresh = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in fresh if not e.translated() or "fuzzy" in e.flags]
    assert missing == [], "run `make messages` and translate these"
