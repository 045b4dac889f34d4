"""The base map comes from settings.HUYING["MAP_TILES"]; by default there is none and nothing leaves the intranet."""

import json
import re

import pytest

from huying.workbench.maps.tiles import tile_layers

# Any absolute or protocol-relative URL (src="//host/…" too); the page's own links are all relative.
EXTERNAL = re.compile(r"(?:https?:)?//[^\s\"'<>/]+", re.IGNORECASE)


@pytest.fixture
def tiles(settings):
    def configure(**conf):
        settings.HUYING = {**settings.HUYING, "MAP_TILES": conf}
    return configure


def page_config(client, url: str, script_id: str) -> dict:
    page = client.get(url).content.decode()
    found = re.search(rf'<script id="{script_id}" type="application/json">(.*?)</script>', page, re.S)
    assert found, f"{script_id} missing from {url}"
    return json.loads(found.group(1))


@pytest.mark.parametrize("url", ["/work/map/", "/work/screen/"])
def test_with_no_tiles_the_pages_reference_no_external_url(client, cast, tiles, url):
    tiles(kind="none", url="", key="")
    client.force_login(cast.command)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert EXTERNAL.findall(page) == []
    assert "tianditu" not in page


def test_with_no_tiles_the_map_gets_no_tile_layer(client, cast, tiles):
    tiles(kind="none")
    client.force_login(cast.command)
    assert page_config(client, "/work/map/", "map-config")["tiles"] == []
    assert page_config(client, "/work/screen/", "screen-config")["map"]["tiles"] == []


def test_an_intranet_tile_server_is_used_as_configured(client, cast, tiles):
    tiles(kind="url", url="http://tiles.gov.intranet/{z}/{x}/{y}.png", attribution="区测绘院")
    client.force_login(cast.command)
    assert EXTERNAL.findall(client.get("/work/map/").content.decode()) == ["http://tiles.gov.intranet"]
    assert page_config(client, "/work/map/", "map-config")["tiles"] == [{
        "url": "http://tiles.gov.intranet/{z}/{x}/{y}.png", "subdomains": "", "attribution": "区测绘院",
        "max_zoom": 18}]


def test_tianditu_draws_the_vector_map_and_its_labels_with_the_key(tiles):
    tiles(kind="tianditu", key="abc123")
    base, labels = tile_layers()
    assert "vec_w/wmts" in base.url and "LAYER=vec" in base.url and base.url.endswith("tk=abc123")
    assert "cva_w/wmts" in labels.url and "LAYER=cva" in labels.url
    assert "{z}" in base.url and "{x}" in base.url and "{y}" in base.url and base.subdomains == "01234567"
    assert "天地图" in base.attribution


@pytest.mark.parametrize("conf", [{"kind": "url", "url": ""}, {"kind": "tianditu", "key": ""}, {"kind": "bing"}])
def test_a_half_filled_setting_draws_no_tiles_rather_than_breaking(tiles, caplog, conf):
    tiles(**conf)
    assert tile_layers() == []
    assert "drawing the map without tiles" in caplog.text
