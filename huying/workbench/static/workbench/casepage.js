/* The case page: live countdowns to its deadlines, and the small map. The page works without this script. */
(function () {
  "use strict";

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  /* Mirrors story.countdown_text: days and hours, or hours and minutes within the last day. */
  function countdownText(words, dueMs, nowMs) {
    var seconds = (dueMs - nowMs) / 1000;
    var minutes = seconds >= 0 ? Math.ceil(seconds / 60) : Math.floor(-seconds / 60);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    var parts = [];
    if (days) parts.push(words.days.replace("%(n)d", days));
    if (hours) parts.push(words.hours.replace("%(n)d", hours));
    if (!days && (mins || !hours)) parts.push(words.minutes.replace("%(n)d", mins));
    return (seconds >= 0 ? words.left : words.late).replace("%(span)s", parts.join(""));
  }

  var DUE_SOON_MS = 4 * 3600 * 1000;
  // Count from the server's clock, not the desk's: a desk clock set wrong must not move anyone's deadline.
  var page = document.querySelector(".case-page[data-now]");
  var served = page ? Date.parse(page.getAttribute("data-now")) : NaN;
  var skew = isNaN(served) ? 0 : served - Date.now();

  function tick(words) {
    var now = Date.now() + skew;
    document.querySelectorAll(".countdown[data-due]").forEach(function (node) {
      var due = Date.parse(node.getAttribute("data-due"));
      if (isNaN(due)) return;
      node.textContent = countdownText(words, due, now);
      node.classList.toggle("overdue", due < now);
      node.classList.toggle("due-soon", due >= now && due - now < DUE_SOON_MS);
    });
  }

  function drawMap(data) {
    var box = document.getElementById("case-map");
    if (!box || !data || !window.L) return;
    var map = L.map(box, { zoomControl: true, attributionControl: true, scrollWheelZoom: false });
    map.attributionControl.setPrefix(false);  // no link out to leafletjs.com: only the tile source's own credit
    (data.tiles || []).forEach(function (layer) {
      L.tileLayer(layer.url, { subdomains: layer.subdomains || "abc", attribution: layer.attribution || "",
                                maxZoom: layer.max_zoom || 18 }).addTo(map);
    });
    // The view is set before any vector layer is added: Leaflet cannot draw a path on a map without one.
    var grid = data.boundary ? L.geoJSON(data.boundary, { style: { color: "#1d4ed8", weight: 2, fillOpacity: 0.08 } })
                             : null;
    var bounds = grid ? grid.getBounds() : null;
    if (data.point) bounds = bounds ? bounds.extend(data.point) : L.latLngBounds([data.point, data.point]);
    if (!bounds || !bounds.isValid()) return;
    map.fitBounds(bounds.pad(0.2), { maxZoom: 17 });
    if (grid) grid.addTo(map);
    if (data.point) {
      L.circleMarker(data.point, { radius: 8, color: "#b42318", weight: 3, fillColor: "#f04438", fillOpacity: 0.9 })
        .addTo(map);
    }
    box.setAttribute("data-ready", "1");
  }

  var words = readJson("countdown-words");
  if (words) {
    tick(words);
    window.setInterval(function () { tick(words); }, 30000);
  }
  drawMap(readJson("case-map-data"));
})();
