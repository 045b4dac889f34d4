"""The demo district's map: three street columns of three communities, each cut into grid strips.

Neighbouring grids share their slanted edges exactly, so the polygons tile each community without
overlapping and every point of the district lies in one grid (or on a shared edge).
"""

import random
from dataclasses import dataclass

ORIGIN = (114.27, 30.57)  # south-west corner (lon, lat); the district centre falls near 114.30, 30.60
STREET_WIDTH = 0.02  # degrees of longitude per street column
COMMUNITY_HEIGHT = 0.02  # degrees of latitude per community row
# Grids per community, street by street: 30 in all.
GRIDS_PER_COMMUNITY = ((4, 3, 3), (3, 4, 3), (3, 3, 4))

Point = tuple[float, float]


@dataclass(frozen=True)
class Quad:
    """A quadrilateral with a horizontal bottom and top edge: bottom-left, bottom-right, top-right, top-left."""

    bl: Point
    br: Point
    tr: Point
    tl: Point

    def polygon(self) -> dict:
        ring = [list(p) for p in (self.bl, self.br, self.tr, self.tl, self.bl)]
        return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}

    def point(self, u: float, v: float) -> Point:
        """The point a fraction u across and v up the quad (0..1 each stays inside it)."""
        left = _lerp(self.bl, self.tl, v)
        right = _lerp(self.br, self.tr, v)
        return _lerp(left, right, u)

    def centre(self) -> Point:
        return self.point(0.5, 0.5)


def _lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _rect(x0: float, y0: float, width: float, height: float) -> Quad:
    return Quad((x0, y0), (x0 + width, y0), (x0 + width, y0 + height), (x0, y0 + height))


def district_quad() -> Quad:
    return _rect(*ORIGIN, STREET_WIDTH * len(GRIDS_PER_COMMUNITY), COMMUNITY_HEIGHT * 3)


def street_quad(street: int) -> Quad:
    return _rect(ORIGIN[0] + street * STREET_WIDTH, ORIGIN[1], STREET_WIDTH, COMMUNITY_HEIGHT * 3)


def community_quad(street: int, community: int) -> Quad:
    x0 = ORIGIN[0] + street * STREET_WIDTH
    y0 = ORIGIN[1] + community * COMMUNITY_HEIGHT
    return _rect(x0, y0, STREET_WIDTH, COMMUNITY_HEIGHT)


def grid_quads(rng: random.Random, street: int, community: int) -> list[Quad]:
    """Cut the community into strips whose inner edges lean a little, like real grid lines along roads."""
    box = community_quad(street, community)
    count = GRIDS_PER_COMMUNITY[street][community]
    step = STREET_WIDTH / count
    bottom = [box.bl[0] + i * step + (rng.uniform(-0.2, 0.2) * step if 0 < i < count else 0) for i in range(count + 1)]
    top = [box.tl[0] + i * step + (rng.uniform(-0.2, 0.2) * step if 0 < i < count else 0) for i in range(count + 1)]
    y0, y1 = box.bl[1], box.tl[1]
    return [Quad((bottom[i], y0), (bottom[i + 1], y0), (top[i + 1], y1), (top[i], y1)) for i in range(count)]
