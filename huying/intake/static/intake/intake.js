/* Resident forms: fill the hidden lat/lon from the phone's position, and send a form only once.
   The position is WGS-84 from navigator.geolocation (needs HTTPS or localhost). A map pin to correct it
   comes with the staff map issue. Everything here is local: no script is fetched from elsewhere. */
(function () {
  "use strict";

  function locate(button) {
    var form = button.form;
    var status = document.getElementById(button.dataset.status);
    status.textContent = button.dataset.busy;
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.lat.value = position.coords.latitude.toFixed(6);
      form.elements.lon.value = position.coords.longitude.toFixed(6);
      status.textContent = button.dataset.done + " (±" + Math.round(position.coords.accuracy) + " m)";
    }, function () {
      status.textContent = button.dataset.failed;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  document.querySelectorAll("[data-locate]").forEach(function (button) {
    if (!("geolocation" in navigator)) {
      button.hidden = true;
      return;
    }
    button.addEventListener("click", function () { locate(button); });
  });

  // A second tap on a slow connection would post the form twice; the server refuses the repeat anyway.
  document.querySelectorAll("form.intake-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("[data-once]").forEach(function (button) { button.disabled = true; });
    });
  });
})();
