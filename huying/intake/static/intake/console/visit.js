// Visits and forums: "增加一条" adds a blank row from the template. Without this file the page has five rows.
(function () {
  "use strict";
  var add = document.getElementById("add-row");
  var template = document.getElementById("row-template");
  var rows = document.getElementById("rows");
  var total = document.getElementById("id_rows-TOTAL_FORMS");
  var max = document.getElementById("id_rows-MAX_NUM_FORMS");
  if (!add || !template || !rows || !total || !max) return;
  add.hidden = false;
  add.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    if (index >= parseInt(max.value, 10)) { add.disabled = true; return; }
    var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    rows.lastElementChild.querySelector("textarea").focus();
  });
})();
