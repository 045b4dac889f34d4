"""Personal data kept out of the logs (日志脱敏): a filter every handler in settings.LOGGING runs.

Huying logs case numbers, not phones or free text; but a message can still quote one by accident (an SMS
gateway's error echoing the number, a URL with ?q=13912345678, an exception raised with a resident's text).
The filter masks the formatted message, the traceback and the stack of every record before any handler
writes it: phones, ID-card numbers and plates as pii_mask does, and e-mail addresses down to their first
character and domain (an address names a person; the domain is what tells which mail server refused).
"""

import logging
import traceback

from huying.lib.pii import email_mask, pii_mask


def log_text_mask(text: str) -> str:
    return email_mask(pii_mask(text))


class MaskPersonalData(logging.Filter):
    """Replace a record's message and arguments by the masked message, and its exception by masked text.

    A handler filter sees every record the handler writes, whichever logger it came from (a logger's filter
    would miss the records its children propagate to it). The record is changed in place, so the handlers
    after this one get the masked text too; masking twice changes nothing.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = log_text_mask(self._message(record)), None
        if record.exc_info:
            # Formatters print exc_text when it is set; handlers that read exc_info itself (e-mail reports,
            # error trackers) would get the unmasked exception and its frames' variables, so it goes.
            record.exc_text = record.exc_text or "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_info = None
        if record.exc_text:
            record.exc_text = log_text_mask(record.exc_text)
        if record.stack_info:
            record.stack_info = log_text_mask(record.stack_info)
        return True

    @staticmethod
    def _message(record: logging.LogRecord) -> str:
        try:
            return record.getMessage()
        except Exception:  # noqa: BLE001 - arguments that do not fit the format: keep both, masked, not a crash
            # Left alone, the handler would print the raw arguments to stderr in its "Logging error" report.
            return f"{record.msg} {record.args!r}"
