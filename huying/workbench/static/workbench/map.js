/* The case map (地图): boundaries, clustered case markers and a heat layer on Leaflet.
   HuyingMap.create() is used by the map page (with its filter form) and by the command-centre screen. */
(function () {
  "use strict";

  var PALETTE = ["#2e90fa", "#12b76a", "#f79009", "#7a5af8", "#ee46bc", "#06aed4", "#66c61c", "#ef6820",
                 "#6172f3", "#15b79e", "#dd2590", "#875bf7"];
  var GROUPS = {
    pending: ["received", "dispatched", "returned", "escalated", "reopened"],
    working: ["accepted", "in_progress", "summoned", "extension_requested"],
    done: ["resolved", "closed"]
  };
  var COLOURS = { overdue: "#d92d20", pending: "#f79009", working: "#1570ef", done: "#12b76a", other: "#98a2b3" };

  function groupOf(status, overdue) {
    if (overdue) return "overdue";
    for (var name in GROUPS) { if (GROUPS[name].indexOf(status) >= 0) return name; }
    return "other";
  }

  /* Times in the deployment's zone (Asia/Shanghai), whatever zone the browser is set to. */
  function localTime(seconds, config) {
    try { return new Date(seconds * 1000).toLocaleString(config.locale, { timeZone: config.timeZone }); }
    catch (e) { return new Date(seconds * 1000).toLocaleString(); }
  }

  function palette(i) { return i === null || i === undefined ? "#667085" : PALETTE[i % PALETTE.length]; }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* fetch JSON; a redirect (the session expired) or an error page becomes a rejected promise with a message */
  function getJSON(url, labels) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      var type = r.headers.get("Content-Type") || "";
      if (r.redirected || type.indexOf("application/json") < 0) throw { message: labels.signedOut };
      return r.json().then(function (body) {
        if (!r.ok) throw { message: body.message || labels.failed, field: body.field };
        return body;
      });
    });
  }

  function create(container, config, options) {
    options = options || {};
    var labels = config.labels;
    var map = L.map(container, { zoomControl: !options.still, attributionControl: config.tiles.length > 0,
                                  maxZoom: 18, minZoom: 3,  // markercluster needs a maxZoom even with no tiles
                                  zoomSnap: options.still ? 0.1 : 0.5 });
    if (map.attributionControl) map.attributionControl.setPrefix(false);  // no link out to leafletjs.com
    map.setView([35, 105], 4);  // somewhere to stand until the boundaries say where the district is
    config.tiles.forEach(function (t) {
      L.tileLayer(t.url, { subdomains: t.subdomains || "abc", attribution: t.attribution, maxZoom: t.max_zoom })
        .addTo(map);
    });
    if (!config.tiles.length) container.classList.add("no-tiles");
    map.createPane("cases").style.zIndex = 450;  // case markers above every boundary, whatever is redrawn

    var layers = {
      grids: L.featureGroup(), communities: L.featureGroup(), streets: L.featureGroup(),
      cases: L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 45,
                                    spiderfyOnMaxZoom: true, iconCreateFunction: clusterIcon }),
      heat: L.heatLayer([], { radius: options.heatRadius || 22, blur: 18, max: 1, minOpacity: 0.15,
                              gradient: { 0.3: "#1570ef", 0.55: "#32d583", 0.75: "#fdb022", 1: "#f04438" } })
    };
    var shown = options.layers || ["grids", "communities", "streets", "cases"];
    var overlays = {};
    ["grids", "communities", "streets", "cases", "heat"].forEach(function (name) {
      overlays[labels[name]] = layers[name];
      if (shown.indexOf(name) >= 0) layers[name].addTo(map);
    });
    if (!options.still) L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    legend(map, labels);

    function drawAreas(geo) {
      ["grids", "communities", "streets"].forEach(function (n) { layers[n].clearLayers(); });
      geo.features.forEach(function (f) {
        var p = f.properties;
        if (p.kind === "grid") {
          L.geoJSON(f, { style: { color: palette(p.colour), weight: 1, fillColor: palette(p.colour),
                                  fillOpacity: options.still ? 0.18 : 0.12 } })
            .bindTooltip(p.community_name ? p.name + " · " + p.community_name : p.name, { sticky: true })
            .addTo(layers.grids);
        } else if (p.kind === "community") {
          L.geoJSON(f, { interactive: false, style: { color: palette(p.colour), weight: 2, dashArray: "6 4",
                                                      fill: false } }).addTo(layers.communities);
        } else {
          L.geoJSON(f, { interactive: false, style: { color: options.still ? "#e4e7ec" : "#344054", weight: 3,
                                                      fill: false } }).addTo(layers.streets);
        }
      });
      var focus = geo.focus || geo.bounds;
      if (focus) map.fitBounds(focus, { padding: [12, 12] });
    }

    function popup(row, f) {
      var box = el("div", { "class": "case-popup" });
      var link = el("a", { href: config.caseUrl.replace("{number}", encodeURIComponent(row[f.number])) },
                    row[f.number]);
      box.appendChild(el("strong")).appendChild(link);
      box.appendChild(el("div", { "class": "title" }, row[f.title]));
      var status = el("div", { "class": "status" }, config.statuses[row[f.status]] || row[f.status]);
      if (row[f.overdue]) status.appendChild(el("span", { "class": "overdue" }, " · " + labels.overdue));
      if (row[f.urgency] === 2) status.appendChild(el("span", { "class": "urgent-tag" }, " · " + labels.emergency));
      else if (row[f.urgency] === 1) status.appendChild(el("span", { "class": "urgent-tag" }, " · " + labels.urgent));
      box.appendChild(status);
      box.appendChild(el("div", { "class": "help" }, labels.created + " " + localTime(row[f.created], config)));
      return box;
    }

    function drawCases(data) {
      var f = {};
      data.fields.forEach(function (name, i) { f[name] = i; });
      var markers = data.rows.map(function (row) {
        var group = groupOf(row[f.status], row[f.overdue]);
        var marker = L.circleMarker([row[f.lat], row[f.lon]], {
          group: group,
          pane: "cases", radius: row[f.urgency] === 2 ? 8 : 6, weight: row[f.urgency] ? 3 : 1.5,
          color: row[f.urgency] === 2 ? "#7a271a" : "#ffffff", fillColor: COLOURS[group], fillOpacity: 0.9,
          className: "case-marker case-" + group
        });
        marker.bindPopup(function () { return popup(row, f); });
        return marker;
      });
      layers.cases.clearLayers();
      layers.cases.addLayers(markers);
      return data;
    }

    function drawHeat(data) {
      var top = data.max || 1;
      layers.heat.setLatLngs(data.cells.map(function (c) { return [c[0], c[1], Math.min(1, Math.sqrt(c[2] / top))]; }));
      return data;
    }

    return {
      map: map, layers: layers,
      loadAreas: function () { return getJSON(config.areas, labels).then(drawAreas); },
      loadCases: function (query) { return getJSON(config.cases + "?" + (query || ""), labels).then(drawCases); },
      loadHeat: function (query) { return getJSON(config.heat + "?" + (query || ""), labels).then(drawHeat); }
    };
  }

  /* A cluster takes the colour of the most pressing case inside it: overdue, then waiting, then in work. */
  var URGENCY_ORDER = ["overdue", "pending", "working", "done", "other"];
  function clusterIcon(cluster) {
    var worst = URGENCY_ORDER.length - 1;
    cluster.getAllChildMarkers().forEach(function (m) {
      worst = Math.min(worst, URGENCY_ORDER.indexOf(m.options.group));
    });
    var count = cluster.getChildCount();
    var size = count < 10 ? 30 : count < 100 ? 36 : 44;
    var group = URGENCY_ORDER[worst];
    return L.divIcon({
      html: '<div style="background:' + COLOURS[group] + '"><span>' + count + "</span></div>",
      className: "marker-cluster case-cluster case-cluster-" + group, iconSize: L.point(size, size)
    });
  }

  function legend(map, labels) {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var box = el("div", { "class": "map-legend" });
      [["pending", labels.legendPending], ["working", labels.legendWorking], ["done", labels.legendDone],
       ["overdue", labels.legendOverdue], ["other", labels.legendOther]].forEach(function (item) {
        var line = box.appendChild(el("div"));
        line.appendChild(el("span", { "class": "dot", style: "background:" + COLOURS[item[0]] }));
        line.appendChild(document.createTextNode(item[1]));
      });
      return box;
    };
    control.addTo(map);
  }

  /* The map page: the filter form drives both the markers and the heat layer. */
  function page() {
    var container = document.getElementById("map");
    var form = document.getElementById("map-filters");
    if (!container || !form) return;
    var config = JSON.parse(document.getElementById("map-config").textContent);
    var status = document.getElementById("map-status");
    var view = create(container, config, {});
    window.huyingMap = view;  // for the browser tests and the curious

    function clearErrors() {
      form.querySelectorAll(".errorlist.live").forEach(function (n) { n.remove(); });
    }
    function showError(err) {
      status.textContent = err.message || config.labels.failed;
      var field = err.field && form.querySelector("[name=" + err.field + "]");
      if (field) {
        var list = el("ul", { "class": "errorlist live", role: "alert" });
        list.appendChild(el("li", {}, err.message));
        field.insertAdjacentElement("afterend", list);
      }
    }
    function load(query) {
      clearErrors();
      status.textContent = config.labels.loading;
      container.setAttribute("aria-busy", "true");
      return Promise.all([view.loadCases(query), view.loadHeat(query)]).then(function (got) {
        var data = got[0];
        status.textContent = data.total > data.shown
          ? config.labels.capped.replace("{total}", data.total).replace("{shown}", data.shown)
          : config.labels.shown.replace("{shown}", data.shown);
        container.dataset.loaded = "cases";
      }).catch(showError).then(function () { container.removeAttribute("aria-busy"); });
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var query = new URLSearchParams(new FormData(form)).toString();
      history.replaceState(null, "", "?" + query);
      load(query);
    });
    view.loadAreas().then(function () { container.dataset.areas = "drawn"; }).catch(showError).then(function () {
      load(location.search.replace(/^\?/, ""));
    });
  }

  window.HuyingMap = { create: create, colours: COLOURS, localTime: localTime };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", page);
  else page();
})();
