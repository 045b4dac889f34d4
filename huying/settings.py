"""Django settings for Huying (呼应).

Everything a deployment changes comes from the environment:
DATABASE_URL (PostgreSQL in production; SQLite file by default), HUYING_SECRET_KEY, HUYING_DEBUG,
HUYING_ALLOWED_HOSTS, HUYING_DATA_DIR.
"""

import datetime as dt
import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("HUYING_DATA_DIR", BASE_DIR.parent / "var"))

SECRET_KEY = os.environ.get("HUYING_SECRET_KEY", "huying-dev-only-insecure-key-change-me")
# Off unless asked for (HUYING_DEBUG=1): a forgotten setting must not show debug pages to the public.
DEBUG = os.environ.get("HUYING_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("HUYING_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huying.org",
    "huying.geo",
    "huying.catalog",
    "huying.cases",
    "huying.intake",
    "huying.feedback",
    "huying.notify",
    "huying.upstream",
    "huying.proactive",
    "huying.timers",
    "huying.triage",
    "huying.analytics",
    "huying.workbench",
    "huying.worker",
    "huying.demo",
    "ninja",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "huying.org.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers a locked-out login attempt itself
]

ROOT_URLCONF = "huying.urls"
WSGI_APPLICATION = "huying.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def _database_from_env() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL")
    if url:
        # parse() types its result as a TypedDict whose NAME is a str; ours below is a Path, so both are plain dicts.
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "huying.sqlite3",
        "OPTIONS": {
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so
            # two writers queue on busy_timeout instead of failing with "database is locked" mid-way.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        # A file, not memory, so tests see WAL and real locking, and threads can write concurrently;
        # one per process, so two test runs on one machine do not share it.
        "TEST": {"NAME": str(DATA_DIR / f"huying_test_{os.getpid()}.sqlite3")},
    }


DATABASES = {"default": _database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/work/"  # the role-based landing (角色首页)
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Lockout after repeated failures (django-axes): 5 wrong passwords for one user from one address lock that
# pair for 15 minutes; every attempt is kept (AccessAttempt/AccessLog in the admin) for the security audit.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("HUYING_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("HUYING_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_IPWARE_PROXY_COUNT = 0  # behind nginx, set the proxy count so the resident's address is the one counted

# Session expiry after inactivity: activity renews the session (at most once a minute, see
# huying.org.middleware), so 30 idle minutes sign a desk out.
SESSION_COOKIE_AGE = int(os.environ.get("HUYING_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request until collectstatic ran
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"

# Personal data never goes to logs: we log case numbers, never phones, names or free text. Should a message
# quote one anyway, every handler masks phones, ID numbers, plates and e-mail addresses first
# (huying.lib.logmask). Django's own handlers (DEFAULT_LOGGING) are replaced, not kept beside ours: they would
# write unmasked, and its mail_admins would e-mail whole tracebacks with the request's form data.
_MASKED = ["mask_personal_data"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "huying.lib.logmask.MaskPersonalData"}},
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}",
                          "style": "{"},
        "audit": {"format": "%(asctime)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": _MASKED},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": _MASKED},
        # Audit lines (exports of personal data, 审计): to their own file when HUYING_AUDIT_LOG names one.
        "audit": (
            {"class": "logging.handlers.WatchedFileHandler", "filename": os.environ["HUYING_AUDIT_LOG"],
             "delay": True, "encoding": "utf-8", "formatter": "audit", "filters": _MASKED}
            if os.environ.get("HUYING_AUDIT_LOG")
            else {"class": "logging.StreamHandler", "formatter": "audit", "filters": _MASKED}
        ),
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "huying.audit": {"handlers": ["audit"], "level": "INFO", "propagate": False},
        # jieba (triage's word segmentation) adds its own stderr handler when imported, after this setup: a
        # filter on its logger masks its records before that handler, and they are not printed twice.
        "jieba": {"filters": _MASKED, "propagate": False},
        "jieba._compat": {"filters": _MASKED},
    },
}

HUYING = {
    "CASE_NUMBER_PREFIX": os.environ.get("HUYING_CASE_NUMBER_PREFIX", "HY"),
    # The public record (公示) lists results of this many recent days.
    "PUBLIC_RECORD_DAYS": int(os.environ.get("HUYING_PUBLIC_RECORD_DAYS", "30")),
    # Where residents reach Huying: links in SMS and on QR codes are built from it.
    "PUBLIC_BASE_URL": os.environ.get("HUYING_PUBLIC_BASE_URL", "http://127.0.0.1:8000"),
    # Public endpoints: (requests allowed, per seconds), counted in the cache below.
    "RATE_LIMITS": {
        "submit_ip": (5, 600),
        "submit_phone": (3, 3600),
        "track_ip": (20, 600),
        # Emergencies have their own budget: earlier ordinary requests never block a call for help.
        "emergency_ip": (5, 600),
        "emergency_phone": (3, 3600),
        "suggest_ip": (60, 600),
    },
    # Proxies (nginx in front of Huying) whose X-Forwarded-For is believed: without this every resident
    # behind the proxy shares one address and one rate limit.
    "TRUSTED_PROXIES": [p for p in os.environ.get("HUYING_TRUSTED_PROXIES", "").split(",") if p],
    # The public form's challenge: a form posted sooner than this after it was served is a robot.
    "FORM_MIN_SECONDS": 3,
    "FORM_MAX_SECONDS": 7200,
    # Map tiles for the console's maps (底图). "none": boundaries on a plain background (no tiles at all);
    # "url": an intranet tile server; "tianditu": 天地图 with a key. Nothing else is ever fetched.
    "MAP_TILES": {
        "kind": os.environ.get("HUYING_MAP_TILES", "none"),
        "url": os.environ.get("HUYING_MAP_TILE_URL", ""),  # e.g. http://tiles.intranet/{z}/{x}/{y}.png
        "key": os.environ.get("HUYING_TIANDITU_KEY", ""),
        "attribution": os.environ.get("HUYING_MAP_ATTRIBUTION", ""),
    },
    # 视频研判: the video-conference server (e.g. a self-hosted Jitsi Meet) rooms are opened on; empty hides it.
    "VIDEO_SERVER": os.environ.get("HUYING_VIDEO_SERVER", ""),
}

# Rate limits must be shared by every app process: Redis in production (HUYING_REDIS_URL), process memory
# for the single-process demo.
_redis_url = os.environ.get("HUYING_REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "huying"}
    )
}

