/* Resident forms: fill the hidden lat/lon from the phone's position, suggest a category while the request is
   typed, and send a form only once.
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

  // While the request is typed: the likeliest categories as buttons that pick one, and a warning with the
  // emergency numbers when the words describe an emergency. Nothing about other people's cases comes back.
  function suggestions(form) {
    var text = form.elements.description;
    var select = form.elements.category;
    var box = document.getElementById("category-suggest");
    var hint = document.getElementById("urgent-hint");
    if (!text || !select || !box) return;
    var chips = box.querySelector(".chips");
    var timer = null, pending = null, asked = "";

    function mark() {
      chips.querySelectorAll("button").forEach(function (chip) {
        chip.setAttribute("aria-pressed", String(chip.dataset.id === select.value));
      });
    }

    function show(data) {
      chips.textContent = "";
      data.categories.forEach(function (found) {
        if (!select.querySelector("option[value='" + found.id + "']")) return;
        var chip = document.createElement("button");
        chip.type = "button";
        chip.className = "chip";
        chip.dataset.id = String(found.id);
        chip.textContent = found.name + " " + found.confidence + "%";
        chip.addEventListener("click", function () { select.value = chip.dataset.id; mark(); });
        chips.appendChild(chip);
      });
      box.hidden = chips.children.length === 0;
      mark();
      if (hint) {
        hint.querySelector(".dangers").textContent = data.dangers.length ? "（" + data.dangers.join("、") + "）" : "";
        hint.hidden = !data.urgent;
      }
    }

    function ask() {
      var value = text.value.trim();
      if (value === asked) return;
      asked = value;
      if (pending) pending.abort(); // an older answer must not overwrite a newer one
      if (value.length < 2) { show({ categories: [], urgent: false, dangers: [] }); return; }
      pending = new AbortController();
      var body = new FormData();
      body.append("description", value);
      fetch(form.dataset.suggest, { method: "POST", body: body, credentials: "same-origin", signal: pending.signal,
                                    headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(show)
        .catch(function () { /* a help, never a blocker; over the limit it simply stops */ });
    }

    text.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 400); });
    select.addEventListener("change", mark);
    if (text.value.trim()) ask();
  }

  document.querySelectorAll("form.intake-form[data-suggest]").forEach(suggestions);

  // A second tap on a slow connection would post the form twice; the server refuses the repeat anyway.
  document.querySelectorAll("form.intake-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("[data-once]").forEach(function (button) { button.disabled = true; });
    });
  });
})();
