/* The ranking chart (综合得分): one bar per unit in rank order, red for the red list, dark for the black list.
   ECharts is served from this site (static/vendor); the figures come inside the page (#ranking-data). */
(function () {
  "use strict";

  var BAND_COLOURS = { good: "#b42318", failing: "#1f2933" };
  var PLAIN = "#2e90fa";

  function option(data) {
    // A horizontal category axis is drawn from the bottom up: reverse so the first in rank is on top.
    var labels = data.labels.slice().reverse();
    var values = data.composite.map(function (value, i) {
      return { value: value, itemStyle: { color: BAND_COLOURS[data.bands[i]] || PLAIN } };
    }).reverse();
    return {
      animation: false,
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", data: labels, axisLabel: { interval: 0 } },
      graphic: labels.length ? [] : [{ type: "text", left: "center", top: "middle",
                                       style: { text: data.names.empty, fill: "#52606d", fontSize: 14 } }],
      series: [{ name: data.names.composite, type: "bar", data: values, barMaxWidth: 18,
                 label: { show: true, position: "right", formatter: function (p) {
                   return p.value === null || p.value === undefined ? "—" : p.value.toFixed(1); } } }]
    };
  }

  function draw() {
    var node = document.getElementById("ranking-chart");
    var source = document.getElementById("ranking-data");
    if (!node || !source || !window.echarts) return;
    var chart = window.echarts.init(node);
    chart.setOption(option(JSON.parse(source.textContent)));
    window.addEventListener("resize", function () { chart.resize(); });
    node.setAttribute("data-drawn", "");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
