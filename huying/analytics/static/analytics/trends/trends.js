/* The trends page (趋势分析): one ECharts chart per breakdown (lines per group over the days or weeks) and the two
   time histograms. The numbers come inside the page (#trend-charts); the tables beside the charts hold the same. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("trend-charts").textContent);
  var labels = data.labels;
  var charts = [];

  function empty(noData) {
    return noData ? [{ type: "text", left: "center", top: "middle",
                       style: { text: labels.empty, fill: "#52606d", fontSize: 14 } }] : [];
  }

  function lineOption(lines) {
    var crowded = data.buckets.length > 31;
    return {
      animation: false,
      grid: { left: 8, right: 16, top: lines.length > 4 ? 56 : 32, bottom: 8, containLabel: true },
      legend: { type: "scroll", top: 0, data: lines.map(function (l) { return l.name; }) },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.buckets, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 },
      graphic: empty(!lines.length),
      series: lines.map(function (l) {
        return { name: l.name, type: "line", data: l.counts, showSymbol: !crowded, smooth: false };
      })
    };
  }

  function histogramOption(bins) {
    var total = bins.counts.reduce(function (a, b) { return a + b; }, 0);
    return {
      animation: false,
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: bins.labels, axisLabel: { interval: 0, rotate: 40, fontSize: 11 } },
      yAxis: { type: "value", minInterval: 1 },
      graphic: empty(!total),
      series: [{ name: labels.cases, type: "bar", data: bins.counts, itemStyle: { color: "#2e90fa" },
                 label: { show: true, position: "top", formatter: function (p) { return p.value || ""; } } }]
    };
  }

  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node) return;
    var chart = echarts.init(node, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
  }

  Object.keys(data.breakdowns).forEach(function (key) {
    draw("chart-" + key, lineOption(data.breakdowns[key]));
  });
  Object.keys(data.durations).forEach(function (key) {
    draw("chart-" + key, histogramOption(data.durations[key]));
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.dataset.drawn = String(charts.length);
})();
