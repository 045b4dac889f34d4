/* The command-centre wall screen (指挥大屏): charts (ECharts), lists and the live map, refetched every minute
   without reloading the page. The first figures come inside the page (#screen-board). */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("screen-config").textContent);
  var labels = config.labels;
  var stage = document.getElementById("stage");
  var charts = {};

  /* The stage is laid out at 1920×1080 and scaled to whatever display it is on. */
  function fit() {
    var scale = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    stage.style.transform = "scale(" + scale + ")";
  }

  function clock() {
    document.getElementById("clock").textContent = HuyingMap.localTime(Date.now() / 1000, config.map);
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function hideZero(p) { return p.value ? p.value : ""; }

  /* Horizontal bars, biggest first; or upright columns (`upright`) when the names are few and short (streets). */
  function barOption(series, upright) {
    // ECharts draws a horizontal category axis from the bottom up: reverse so the biggest is on top.
    var order = function (values) { return upright ? values : values.slice().reverse(); };
    var crowded = series.labels.length > 8;
    var bar = function (name, values, colour) {
      return { name: name, type: "bar", data: order(values), barGap: "10%", barMaxWidth: upright ? 28 : 12,
               itemStyle: { color: colour, borderRadius: upright ? [3, 3, 0, 0] : [0, 3, 3, 0] },
               label: { show: true, position: upright ? "top" : "right", color: "#d0e4ff",
                        fontSize: crowded ? 10 : 12, formatter: hideZero } };
    };
    var values = { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "rgba(29,77,140,.35)" } },
                   axisLabel: { color: "#6f8fb8" } };
    var names = { type: "category", data: order(series.labels),
                  axisLabel: { color: "#d0e4ff", fontSize: 12, interval: 0 }, axisLine: { lineStyle: { color: "#1d4d8c" } } };
    return {
      backgroundColor: "transparent", animation: false,
      grid: { left: 8, right: 48, top: 24, bottom: 4, containLabel: true },
      legend: { top: 0, right: 0, textStyle: { color: "#8fb3e0" }, data: [labels.today, labels.month] },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: upright ? names : values,
      yAxis: upright ? values : names,
      graphic: series.labels.length ? [] : [{ type: "text", left: "center", top: "middle",
                                               style: { text: labels.empty, fill: "#6f8fb8", fontSize: 16 } }],
      series: [bar(labels.today, series.today, "#fdb022"), bar(labels.month, series.month, "#2e90fa")]
    };
  }

  function drawCharts(board) {
    Object.keys(board.breakdowns).forEach(function (dim) {
      var node = document.getElementById("chart-" + dim);
      if (!node) return;
      if (!charts[dim]) charts[dim] = echarts.init(node, "dark", { renderer: "canvas" });
      charts[dim].setOption(barOption(board.breakdowns[dim], node.hasAttribute("data-upright")), true);
    });
  }

  function fillNumbers(board) {
    document.querySelectorAll("[data-kpi]").forEach(function (node) {
      node.textContent = board.totals[node.getAttribute("data-kpi")];
    });
    document.querySelectorAll("[data-rate]").forEach(function (node) {
      node.textContent = board.rates[node.getAttribute("data-rate")].text;
    });
    document.querySelectorAll("[data-rate-sub]").forEach(function (node) {
      var rate = board.rates[node.getAttribute("data-rate-sub")];
      node.textContent = rate.numerator + "/" + rate.denominator;
    });
    document.getElementById("updated").textContent = board.generated_at.slice(11, 19);
  }

  function caseLink(number) {
    return el("a", { href: config.map.caseUrl.replace("{number}", encodeURIComponent(number)) }, number);
  }

  function fillList(id, rows, cells, width) {
    var body = document.querySelector("#" + id + " tbody");
    body.textContent = "";
    if (!rows.length) {
      var empty = body.appendChild(el("tr")).appendChild(el("td", { "class": "empty", colspan: width }, labels.none));
      return empty;
    }
    rows.forEach(function (row) {
      var tr = body.appendChild(el("tr"));
      tr.appendChild(el("td")).appendChild(caseLink(row.number));
      cells.forEach(function (cell) {
        tr.appendChild(el("td", { "class": cell[1] || "", title: row[cell[0]] }, row[cell[0]]));
      });
    });
  }

  function draw(board) {
    fillNumbers(board);
    drawCharts(board);
    fillList("overdue-list", board.overdue, [["title"], ["unit"], ["late", "late"]], 4);
    fillList("emergency-list", board.emergencies, [["title"], ["place"], ["status"], ["created"]], 5);
    stage.dataset.drawn = board.generated_at;
  }

  var map = HuyingMap.create(document.getElementById("screen-map"), config.map, {
    still: true, heatRadius: 28, layers: ["grids", "communities", "streets", "cases", "heat"]
  });
  function loadMap() {
    return Promise.all([map.loadCases(config.casesQuery), map.loadHeat(config.heatQuery)]);
  }

  function offline(message) {
    var node = document.getElementById("offline");
    node.hidden = !message;
    node.textContent = message || "";
  }

  function refresh() {
    fetch(config.stats, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        var type = r.headers.get("Content-Type") || "";
        if (!r.ok || r.redirected || type.indexOf("application/json") < 0) throw new Error(labels.offline);
        return r.json();
      })
      .then(function (board) { draw(board); return loadMap(); })
      .then(function () { offline(""); })
      .catch(function (err) { offline(err.message || labels.offline); });  // keep the last figures on the wall
  }

  fit();
  window.addEventListener("resize", function () {
    fit();
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
  clock();
  setInterval(clock, 1000);
  draw(JSON.parse(document.getElementById("screen-board").textContent));
  map.loadAreas().then(loadMap).then(function () { stage.dataset.map = "drawn"; })
    .catch(function (err) { offline(err.message); });
  setInterval(refresh, config.refreshSeconds * 1000);
  window.huyingScreen = { refresh: refresh, charts: charts, map: map };
})();
