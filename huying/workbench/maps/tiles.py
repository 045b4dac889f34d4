"""The base map (底图) from `settings.HUYING["MAP_TILES"]`: no tiles, an intranet tile server, or 天地图.

Nothing is fetched from anywhere unless an administrator configured it: kind "none" gives no tile layer at
all, and the boundaries draw on a plain background.
"""

import logging
from dataclasses import asdict, dataclass
from typing import cast

from django.conf import settings

log = logging.getLogger(__name__)

# 天地图 Web Mercator (EPSG:3857) layers through WMTS: vec_w is the vector base map, cva_w its Chinese labels.
# 天地图 uses CGCS2000, which agrees with the WGS-84 coordinates we store to well under a metre.
TIANDITU = ("https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
            "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
            "&tk={key}")
TIANDITU_ATTRIBUTION = "天地图 © 国家地理信息公共服务平台"


@dataclass(frozen=True)
class TileLayer:
    url: str  # a Leaflet URL template: {z}/{x}/{y}, and {s} for the subdomains
    subdomains: str = ""
    attribution: str = ""
    max_zoom: int = 18


def tile_layers() -> list[TileLayer]:
    """The layers to draw under the boundaries, bottom first; empty for kind "none" or a broken setting."""
    conf = cast(dict[str, str], settings.HUYING.get("MAP_TILES") or {})
    kind = conf.get("kind") or "none"
    attribution = conf.get("attribution") or ""
    if kind == "url" and conf.get("url"):
        return [TileLayer(url=conf["url"], subdomains=conf.get("subdomains", ""), attribution=attribution)]
    if kind == "tianditu" and conf.get("key"):
        return [TileLayer(url=TIANDITU.format(s="{s}", layer=layer, z="{z}", x="{x}", y="{y}", key=conf["key"]),
                          subdomains="01234567", attribution=attribution or TIANDITU_ATTRIBUTION)
                for layer in ("vec", "cva")]
    if kind != "none":
        # A half-filled setting must not break the map: draw the boundaries alone and tell the administrator.
        log.warning("MAP_TILES kind %r needs %s; drawing the map without tiles", kind,
                    "a url" if kind == "url" else "a key" if kind == "tianditu" else "a known kind")
    return []


def tile_config() -> list[dict]:
    """The layers as plain dicts for the page's JSON."""
    return [asdict(layer) for layer in tile_layers()]
