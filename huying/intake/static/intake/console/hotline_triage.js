// Triage while the call is typed (研判): category suggestions as buttons that set the category, a banner when
// the words describe an emergency (with the emergency path one click away), the place found, and possible
// duplicates. A help only: without this file, or when the server does not answer, the desk works as before.
(function () {
  "use strict";
  var form = document.getElementById("call");
  var suggest = document.getElementById("suggest");
  var panel = document.getElementById("triage");
  if (!form || !suggest || !panel) return;
  var description = form.elements.description;
  var address = form.elements.address;
  var category = form.elements.category;
  var chips = suggest.querySelector(".chips");
  var banner = document.getElementById("urgent");
  var place = document.getElementById("triage-place");
  var duplicates = document.getElementById("duplicates");
  var DELAY_MS = 400;
  var MIN_CHARS = 2;
  var timer = null;
  var pending = null;
  var asked = "";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text; // never innerHTML: the texts are other people's words
    return node;
  }

  function markChosen() {
    Array.prototype.forEach.call(chips.children, function (chip) {
      chip.setAttribute("aria-pressed", String(chip.dataset.id === category.value));
    });
  }

  function choose(id) {
    var option = category.querySelector("option[value='" + id + "']");
    if (!option) return; // a category the select no longer offers
    category.value = id;
    category.dispatchEvent(new Event("change", { bubbles: true }));
    markChosen();
  }

  function showCategories(data) {
    chips.textContent = "";
    data.categories.forEach(function (found) {
      var chip = element("button", "chip", found.name + " ");
      chip.type = "button";
      chip.dataset.id = String(found.id);
      chip.title = found.code;
      chip.appendChild(element("span", "confidence", found.confidence + "%"));
      chip.addEventListener("click", function () { choose(chip.dataset.id); });
      chips.appendChild(chip);
    });
    suggest.querySelector(".suggest-method").textContent = data.categories.length ? data.method_label : "";
    suggest.querySelector(".suggest-trust").textContent = data.trust_note;
    suggest.hidden = data.categories.length === 0;
    markChosen();
  }

  function showUrgent(urgent) {
    banner.querySelector(".dangers").textContent = urgent.map(function (u) {
      return u.label + "（“" + u.evidence + "”）";
    }).join("；");
    banner.hidden = urgent.length === 0;
    var chosen = form.querySelector("input[name=urgency][value=emergency]:checked");
    banner.querySelector(".urgent-done").hidden = !chosen;
  }

  function showPlace(found) {
    place.hidden = !found;
    if (!found) return;
    var where = found.building ? found.building + " · " + found.grid : found.grid;
    place.querySelector("span").textContent = where + " · " + found.how_label;
  }

  function showDuplicates(found) {
    var list = duplicates.querySelector("ul");
    list.textContent = "";
    found.forEach(function (dup) {
      var item = element("li", "duplicate");
      var link = element("a", "number", dup.number);
      link.href = dup.url;
      link.target = "_blank"; // the call stays on screen while the earlier case is read
      link.rel = "noopener";
      item.appendChild(link);
      item.appendChild(element("span", "title", " " + dup.title + " "));
      item.appendChild(element("span", "badge", dup.status_label));
      item.appendChild(element("span", "score", dup.score_label));
      item.appendChild(element("span", "help evidence", dup.created_at + " · " + dup.evidence.join("，")));
      list.appendChild(item);
    });
    duplicates.hidden = found.length === 0;
  }

  function show(data) {
    showCategories(data);
    showUrgent(data.urgent);
    showPlace(data.place);
    showDuplicates(data.duplicates);
    panel.hidden = banner.hidden && place.hidden && duplicates.hidden;
  }

  function clear() {
    show({ categories: [], method_label: "", trust_note: "", urgent: [], place: null, duplicates: [] });
  }

  function ask() {
    var text = description.value.trim();
    var question = [text, address.value.trim(), category.value].join("\u0000");
    if (question === asked) return;
    asked = question;
    if (pending) pending.abort(); // an older answer must not overwrite a newer one
    if (text.length < MIN_CHARS) { clear(); return; }
    pending = new AbortController();
    var body = new FormData();
    body.append("description", text);
    body.append("address", address.value.trim());
    body.append("category", category.value);
    fetch(suggest.dataset.url, { method: "POST", body: body, credentials: "same-origin", signal: pending.signal,
                                 headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value } })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error(response.status);
        return response.json();
      })
      .then(show)
      .catch(function () { /* triage is a help, never a blocker: keep typing */ });
  }

  function later() { clearTimeout(timer); timer = setTimeout(ask, DELAY_MS); }

  description.addEventListener("input", later);
  address.addEventListener("input", later);
  address.addEventListener("change", ask);
  category.addEventListener("change", markChosen);

  // The emergency path (紧急通道): 特急 and no category, so case_create sends it at once to the unit on duty.
  document.getElementById("urgent-path").addEventListener("click", function () {
    var emergency = form.querySelector("input[name=urgency][value=emergency]");
    if (emergency) emergency.checked = true;
    category.value = "";
    markChosen();
    banner.querySelector(".urgent-done").hidden = false;
    if (emergency) emergency.focus();
  });

  if (description.value.trim()) ask(); // a form shown again after an error keeps its text
})();
