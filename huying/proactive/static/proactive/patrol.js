// The report page: fill the hidden lat/lon from the phone's position (WGS-84, as the grid boundaries are),
// and show the after-photo fields only when "solved on the spot" is ticked. Without it, the address is typed.
(function () {
  "use strict";
  var form = document.getElementById("report");
  if (!form) return;
  var texts = {};
  Array.prototype.forEach.call(document.getElementById("locate-messages").content.children, function (el) {
    texts[el.dataset.key] = el.textContent;
  });

  var locate = document.getElementById("locate");
  var status = document.getElementById("located");
  if (navigator.geolocation && locate) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      status.textContent = texts.busy;
      navigator.geolocation.getCurrentPosition(function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(6);
        form.elements.lon.value = position.coords.longitude.toFixed(6);
        status.textContent = texts.ok.replace("{m}", Math.round(position.coords.accuracy));
      }, function () {
        status.textContent = texts.failed;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  var solved = form.elements.solved;
  var after = form.querySelectorAll(".field.after");
  function toggle() {
    Array.prototype.forEach.call(after, function (el) { el.hidden = !solved.checked; });
  }
  solved.addEventListener("change", toggle);
  toggle();
})();
