"""Domain errors with a stable code, a translated message and, for bad input, the field at fault.

The API turns them into JSON (`{"code", "message", "field"}`) with their HTTP status; views show the message.
"""

from django.utils.functional import Promise


class HuyingError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str | Promise, *, code: str | None = None, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidInput(HuyingError):
    status = 422
    code = "invalid_input"


class NotAllowed(HuyingError):
    """The workflow table or the user's role does not allow this action now."""

    status = 409
    code = "transition_not_allowed"


class Forbidden(HuyingError):
    status = 403
    code = "forbidden"


class NotFound(HuyingError):
    status = 404
    code = "not_found"


class VersionConflict(HuyingError):
    """Someone changed the case since the caller read it (optimistic lock)."""

    status = 409
    code = "version_conflict"
