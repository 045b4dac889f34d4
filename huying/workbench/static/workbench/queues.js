// Keeps the countdowns of the work queues current (剩余 / 超时) without reloading the page.
// The words come from the table's data attributes, so they follow the page's language.
(function () {
  "use strict";
  function words() {
    var table = document.querySelector("table.cases[data-units]");
    if (!table) { return null; }
    var u = table.dataset.units.split("|");
    return { left: table.dataset.left, over: table.dataset.over, d: u[0], h: u[1], m: u[2], mins: u[3] };
  }
  function span(minutes, w) {
    if (minutes >= 1440) { return Math.floor(minutes / 1440) + w.d; }
    if (minutes >= 60) { return Math.floor(minutes / 60) + w.h + (minutes % 60) + w.m; }
    return minutes + w.mins;
  }
  function tick() {
    var w = words();
    if (!w) { return; }
    var now = Date.now();
    document.querySelectorAll("table.cases time.countdown[datetime]").forEach(function (el) {
      var left = Math.floor((Date.parse(el.getAttribute("datetime")) - now) / 60000);
      var overdue = left < 0;
      el.textContent = (overdue ? w.over : w.left) + " " + span(Math.abs(left), w);
      el.classList.toggle("overdue", overdue);
      el.classList.toggle("due-soon", !overdue && left < 1440);
    });
  }
  setInterval(tick, 30000);
})();
