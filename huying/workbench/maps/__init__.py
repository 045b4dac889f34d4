"""The map (地图) of the staff console: boundaries, case markers and a heat layer on Leaflet.

`areas` draws the grid polygons and unions them into community and street outlines (cached per process,
rebuilt when the units change); `points` turns the user's cases (cases_visible_to) into compact marker rows
and heat cells; `filters` holds the filter form; `tiles` reads the base map from settings (none by default).
"""
