"""QR codes on buildings (扫码报事): a signed place token per building and the codes that carry it.

The token is signed, not secret: it proves the code was printed by us, so nobody can forge a code that
files cases against a building of their choosing. It has no expiry, because a code stays on the wall for
years; rotating SECRET_KEY invalidates every printed code unless the old key stays in SECRET_KEY_FALLBACKS.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core import signing
from django.urls import reverse

from huying.geo.models import Building
from huying.org.models import Unit, UnitKind, User

PLACE_SALT = "qr-place"


class BadPlaceToken(Exception):
    """The place token was altered, garbled, or names a building that no longer exists."""


@dataclass(frozen=True)
class PlaceCode:
    building: Building
    url: str

    def svg(self) -> str:
        return qr_svg(self.url)


def place_token(building: Building) -> str:
    # A plain signer, not a timestamped one: the same building always prints the same (shorter) code.
    return signing.Signer(salt=PLACE_SALT).sign(str(building.pk))


def place_from_token(token: str) -> Building:
    """The building a QR code was printed for; BadPlaceToken when the token is not one we signed."""
    try:
        building_id = int(signing.Signer(salt=PLACE_SALT).unsign(token))
    except (signing.BadSignature, ValueError) as exc:
        raise BadPlaceToken(token) from exc
    building = Building.objects.select_related("grid").filter(pk=building_id).first()
    if building is None:
        raise BadPlaceToken(token)
    return building


def place_url(building: Building) -> str:
    """The absolute address a building's code opens: the resident form with the place filled in."""
    base = str(getattr(settings, "HUYING", {}).get("PUBLIC_BASE_URL", "")).rstrip("/")
    return f"{base}{reverse('intake_web:new')}?{urlencode({'place': place_token(building)}, safe=':')}"


def qr_svg(url: str) -> str:
    # Error level M survives a little dirt on an outdoor sticker and keeps the code small enough to scan.
    return segno.make(url, error="m").svg_inline(scale=4, border=4, omitsize=True)  # viewBox: CSS sizes it


def community_codes(community: Unit) -> list[PlaceCode]:
    """One code per building in the community's grids, grid by grid."""
    buildings = Building.objects.filter(grid__path__startswith=community.path).select_related("grid")
    return [PlaceCode(b, place_url(b)) for b in buildings.order_by("grid__code", "name", "pk")]


def communities_for_staff(user: User) -> list[Unit]:
    """The communities whose sheets the user may print: those within their unit's scope."""
    communities = Unit.objects.filter(kind=UnitKind.COMMUNITY, active=True).order_by("code")
    if user.is_superuser:
        return list(communities)
    if user.unit is None:
        return []
    return list(communities.filter(path__startswith=user.unit.scope_path()))


def community_for_staff(user: User, code: str) -> Unit | None:
    """The community with this code if it lies within the user's scope; None otherwise."""
    community = Unit.objects.filter(code=code, kind=UnitKind.COMMUNITY).first()
    if community is None:
        return None
    if user.is_superuser:
        return community
    unit = user.unit
    # A community's own staff print their sheet; the street and the district's command centre print any below.
    if unit is None or not community.path.startswith(unit.scope_path()):
        return None
    return community
