"""Logs never carry a phone, ID number, plate or e-mail address in clear (日志脱敏), whichever logger wrote it.

caplog's handler sits beside ours and skips handler filters, so these tests run settings.LOGGING itself, with
each handler's output sent to a StringIO, and read what a deployment would write.
"""

import copy
import io
import logging
import logging.config

import pytest
from django.conf import settings
from django.utils.log import configure_logging

from huying.lib.logmask import MaskPersonalData

PHONE, PHONE_MASKED = "13912345678", "139****5678"
ID = "420102198501011238"  # a made-up number with a valid check digit
ID_MASKED = "420102********1238"


@pytest.fixture
def logged():
    """settings.LOGGING as configured, every handler writing to one StringIO; the real setup restored after."""
    out = io.StringIO()
    config = copy.deepcopy(settings.LOGGING)
    for name, handler in config["handlers"].items():
        kept = {k: v for k, v in handler.items() if k in ("formatter", "filters", "level")}
        config["handlers"][name] = {"class": "logging.StreamHandler", "stream": out, **kept}
    logging.config.dictConfig(config)
    yield out
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


def test_a_phone_and_an_id_number_in_the_arguments_are_masked_in_the_written_line(logged):
    logging.getLogger("huying.notify.sms").warning("gateway refused %s (id %s), plate %s", PHONE, ID, "鄂A12345")
    text = logged.getvalue()
    assert f"gateway refused {PHONE_MASKED} (id {ID_MASKED}), plate 鄂A*****" in text
    assert PHONE not in text and ID not in text


def test_an_exception_with_a_phone_in_its_message_is_masked_in_the_traceback(logged):
    try:
        raise ValueError(f"cannot send to {PHONE}")
    except ValueError:
        logging.getLogger("huying.worker").exception("duty failed for case HY20260930000001")
    text = logged.getvalue()
    assert "Traceback (most recent call last)" in text
    assert f"ValueError: cannot send to {PHONE_MASKED}" in text and PHONE not in text
    assert "HY20260930000001" in text  # a case number is no personal data and stays


def test_djangos_own_loggers_write_through_the_mask_too(logged):
    try:
        raise RuntimeError(f"bad form from wang.xiaoming@example.com, {PHONE}")
    except RuntimeError:
        logging.getLogger("django.request").error("Internal Server Error: /submit/?phone=%s", PHONE, exc_info=True)
    logging.getLogger("django.server").info('"GET /work/queues/?q=%s HTTP/1.1" 200 512', PHONE,
                                            extra={"status_code": 200})
    text = logged.getvalue()
    assert f"/submit/?phone={PHONE_MASKED}" in text and f"/work/queues/?q={PHONE_MASKED}" in text
    assert "w***@example.com" in text
    assert PHONE not in text and "wang.xiaoming" not in text


def test_the_audit_line_of_an_export_is_masked_like_every_other(logged):
    logging.getLogger("huying.audit").info("cases_export actor=user:3 filters=%s", '{"q": "13912345678"}')
    assert f'{{"q": "{PHONE_MASKED}"}}' in logged.getvalue()


def test_arguments_that_do_not_fit_the_message_are_masked_rather_than_reported_in_clear(logged, capsys):
    logging.getLogger("huying").error("two places %s %s", PHONE)
    assert PHONE_MASKED in logged.getvalue() and PHONE not in logged.getvalue()
    assert PHONE not in capsys.readouterr().err  # no "--- Logging error ---" report quoting the arguments


def test_masking_twice_changes_nothing():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "call %s", (PHONE,), None)
    mask = MaskPersonalData()
    assert mask.filter(record) and mask.filter(record)
    assert record.getMessage() == f"call {PHONE_MASKED}"


def _masks(handler: logging.Handler, holders: list[logging.Logger]) -> bool:
    """The handler masks, or writes nothing, or every logger holding it masks its records before any handler
    (jieba's own stderr handler, added when it is imported, after the configuration ran)."""
    def masking(filterer: logging.Filterer) -> bool:
        return any(isinstance(f, MaskPersonalData) for f in filterer.filters)

    return masking(handler) or isinstance(handler, logging.NullHandler) or all(masking(lg) for lg in holders)


def test_every_handler_of_the_running_configuration_masks():
    """Django's defaults (its console and mail_admins handlers) must not survive beside ours unmasked."""
    import jieba  # noqa: F401 - imported by triage in a real process: its handler must be covered too

    loggers = [logging.getLogger(), *(lg for lg in logging.Logger.manager.loggerDict.values()
                                      if isinstance(lg, logging.Logger))]
    holders: dict[logging.Handler, list[logging.Logger]] = {}
    for lg in loggers:
        for handler in lg.handlers:
            if not type(handler).__module__.startswith("_pytest"):  # the test run's own capture
                holders.setdefault(handler, []).append(lg)
    assert len(holders) >= 4, "console, django.server, audit and jieba's are expected"
    assert [h for h, lgs in holders.items() if not _masks(h, lgs)] == []
    assert all("mask_personal_data" in h.get("filters", []) for h in settings.LOGGING["handlers"].values())
