"""API tokens (接口令牌) for systems calling the API: issued once, stored only as a SHA-256 hash."""

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

from huying.org.models import ApiToken, User

KEY_PREFIX = "hy_"
# Writing last_used_at on every call would turn each read into a write; once a minute is enough to audit use.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(token: ApiToken) -> str:
    """Give an unsaved token a fresh key; returns the plain key, which the caller shows once and forgets."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token.key_prefix, token.key_hash = key[:8], token_hash(key)
    return key


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for a user; returns the saved row and the plain key."""
    token = ApiToken(user=user, name=name)
    key = token_issue(token)
    token.save()
    return token, key


def token_user(key: str) -> User | None:
    """The active user behind a valid, unrevoked key; None for anything else."""
    token = (
        ApiToken.objects.select_related("user__unit")
        .filter(key_hash=token_hash(key), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
