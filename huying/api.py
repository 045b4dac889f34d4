"""The one NinjaAPI: /api/v1/ and its docs at /api/docs, authentication, and errors as JSON.

Every error answers `{"code", "message", "field"}`: `code` is stable for programs, `message` is for people and
follows the request's language (LocaleMiddleware), `field` names the input at fault, if any.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth

from huying.cases.api import cases_router, reference_router
from huying.feedback.api import callback_router
from huying.lib.errors import HuyingError
from huying.org.models import User
from huying.org.tokens import token_user
from huying.upstream.api import upstream_router


class StaffSession(SessionAuth):
    """Django's session login, as ninja's django_auth: unsafe methods must carry the CSRF token."""

    def __call__(self, request: HttpRequest) -> User | None:
        # Without a logged-in session there is nothing to protect: skip the CSRF check so the answer is 401.
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


class SystemToken(HttpBearer):
    """`Authorization: Bearer <key>` for systems; keys come from `huying token_create`."""

    def __call__(self, request: HttpRequest) -> User | None:
        # Parsed here rather than by HttpBearer, which logs a malformed header in DEBUG, and a key with it.
        scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return None
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_user(token)
        if user is not None:
            request.user = user  # code that reads request.user sees the token's owner, as with a session
        return user


class Utf8JSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # 中文 stays readable in responses and logs of proxies


api = NinjaAPI(
    title="Huying 呼应 API",
    version="1",
    description="接诉即办：诉求受理、派单、办理与归档。Errors are JSON: code, message, field.",
    auth=[SystemToken(), StaffSession()],
    renderer=Utf8JSONRenderer(),
    urls_namespace="api",
    docs_url="/docs",
    # Swagger UI comes from ninja's own static files (no CDN); no online validator badge either: intranets.
    docs=Swagger(settings={"validatorUrl": None}),
    openapi_url="/openapi.json",
)
api.add_router("/v1/cases", cases_router, tags=["cases"])
api.add_router("/v1/cases", callback_router, tags=["cases"])
api.add_router("/v1", reference_router, tags=["reference"])
api.add_router("/v1/upstream", upstream_router, tags=["upstream"])


def error_response(request: HttpRequest, status: int, code: str, message, field: str | None = None,
                   **extra) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": str(message), "field": field, **extra},
                               status=status)


@api.exception_handler(HuyingError)
def on_huying_error(request: HttpRequest, exc: HuyingError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.message, exc.field)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(request, 401, "unauthenticated", _("请登录，或在 Authorization 头中提供有效的令牌"))
    response["WWW-Authenticate"] = 'Bearer realm="huying"'
    return response


@api.exception_handler(AuthorizationError)
def on_unauthorized(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return error_response(request, 403, "forbidden", _("无权执行此操作"))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("资源不存在"))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja raises HttpError for two things we know: a failed CSRF check and a body that is not JSON.
    if exc.status_code == 403:
        return error_response(request, 403, "csrf_failed", _("CSRF 校验失败：请刷新页面后重试"))
    if exc.status_code == 400:
        return error_response(request, 400, "malformed_body", _("请求体不是有效的 JSON"))
    return error_response(request, exc.status_code, "http_error", _("请求无法处理"))


# What went wrong with a field, by pydantic's error type; the keys in %(...)s come from the error's ctx.
PROBLEMS = {
    "missing": gettext_lazy("必填"),
    "int_parsing": gettext_lazy("须为整数"),
    "int_type": gettext_lazy("须为整数"),
    "int_from_float": gettext_lazy("须为整数"),
    "float_parsing": gettext_lazy("须为数字"),
    "float_type": gettext_lazy("须为数字"),
    "finite_number": gettext_lazy("须为有限的数字"),
    "bool_parsing": gettext_lazy("须为 true 或 false"),
    "bool_type": gettext_lazy("须为 true 或 false"),
    "datetime_parsing": gettext_lazy("须为日期时间，如 2026-10-08T17:00:00+08:00"),
    "datetime_from_date_parsing": gettext_lazy("须为日期时间，如 2026-10-08T17:00:00+08:00"),
    "datetime_type": gettext_lazy("须为日期时间，如 2026-10-08T17:00:00+08:00"),
    "datetime_out_of_range": gettext_lazy("日期超出允许范围"),
    "string_type": gettext_lazy("须为文本"),
    "string_too_long": gettext_lazy("不能超过 %(max_length)s 个字符"),
    "string_too_short": gettext_lazy("不能为空"),
    "nul_character": gettext_lazy("含有不允许的控制字符"),
    "list_type": gettext_lazy("须为列表"),
    "too_short": gettext_lazy("至少需要 %(min_length)s 项"),
    "too_long": gettext_lazy("最多 %(max_length)s 项"),
    "model_type": gettext_lazy("须为 JSON 对象"),
    "model_attributes_type": gettext_lazy("须为 JSON 对象"),
    "dict_type": gettext_lazy("须为 JSON 对象"),
    "enum": gettext_lazy("取值无效，可选：%(expected)s"),
    "literal_error": gettext_lazy("取值无效，可选：%(expected)s"),
    "greater_than_equal": gettext_lazy("不能小于 %(ge)s"),
    "less_than_equal": gettext_lazy("不能大于 %(le)s"),
}


def _field_of(loc: tuple) -> str | None:
    """("body", "payload", "departments", 0) → "departments"; ("query", "page") → "page"."""
    source, *rest = loc
    if source == "body":
        rest = rest[1:]  # the view's parameter name, not a field the caller sent
    return next((part for part in rest if isinstance(part, str)), None)


def describe_error(error: dict) -> dict:
    field, kind = _field_of(tuple(error["loc"])), error["type"]
    ctx = dict(error.get("ctx", {}))
    if "expected" in ctx:  # pydantic lists choices in English ("'a', 'b' or 'c'"); keep only the values
        ctx["expected"] = str(ctx["expected"]).replace(" or ", ", ")
    try:
        problem = str(PROBLEMS[kind]) % ctx
    except (KeyError, TypeError, ValueError):
        problem = _("格式不正确")
    if field is None:
        message = _("请求体须为 JSON 对象") if kind in ("missing", "model_attributes_type") else problem
    else:
        message = _("字段“%(field)s”：%(problem)s") % {"field": field, "problem": problem}
    return {"field": field, "code": kind, "message": message}


@api.exception_handler(ValidationError)
def on_invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [describe_error(e) for e in exc.errors]
    first = errors[0] if errors else {"field": None, "message": _("输入不正确")}
    return error_response(request, 422, "invalid_input", first["message"], first["field"], errors=errors)
