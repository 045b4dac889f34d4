// The hotline desk (12345 坐席): the caller's history while the number is typed, Enter to send from the
// text boxes, and one submission per call. The page works without this file; it only makes typing faster.
(function () {
  "use strict";
  var form = document.getElementById("call");
  var panel = document.getElementById("caller");
  if (!form || !panel) return;
  var phone = form.elements.reporter_phone;
  var shown = phone.value.trim();
  var timer = null;
  var pending = null;

  function lookup() {
    var value = phone.value.trim();
    if (value === shown) return;
    shown = value;
    if (pending) pending.abort(); // an older answer must not overwrite a newer one
    pending = new AbortController();
    // POST, not a query string: the number stays out of URLs, and so out of proxies' and servers' access logs.
    var body = new FormData();
    body.append("phone", value);
    fetch(panel.dataset.url, { method: "POST", body: body, credentials: "same-origin", signal: pending.signal,
                               headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value } })
      .then(function (response) {
        // A redirect means the session ended: the login page must not land inside the panel.
        if (!response.ok || response.redirected) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) { panel.innerHTML = html; })
      .catch(function () { /* the history is a help, never a blocker: keep typing */ });
  }

  phone.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 300); });
  phone.addEventListener("change", lookup);

  // Enter in a text box sends the call (Shift+Enter for a new line); in the answer box it answers directly.
  // Never while an input method is composing: there Enter only picks the Chinese characters.
  Array.prototype.forEach.call(form.querySelectorAll("textarea"), function (box) {
    box.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
      event.preventDefault();
      var action = box.name === "answer" ? "answer" : "dispatch";
      form.requestSubmit(form.querySelector("button[value=" + action + "]"));
    });
  });

  // Alt+letter reaches the field or button with that access key, the same in every browser (natively Chrome
  // wants Alt, Firefox Alt+Shift, Safari Ctrl+Option). By the key's place, not its character: on a Mac,
  // Option+P types "π".
  var keyed = {};
  Array.prototype.forEach.call(form.querySelectorAll("[accesskey]"), function (el) {
    var key = el.accessKey.toUpperCase();
    if (!keyed[key]) keyed[key] = el;
  });
  document.addEventListener("keydown", function (event) {
    var letter = /^Key([A-Z])$/.exec(event.code);
    if (!event.altKey || event.ctrlKey || event.metaKey || !letter || !keyed[letter[1]]) return;
    event.preventDefault();
    var target = keyed[letter[1]];
    if (target.type === "submit") { form.requestSubmit(target); return; }
    if (target.type === "radio") target = form.querySelector("[name=" + target.name + "]:checked") || target;
    target.focus();
  });

  // A second Enter while the first is on its way would post the call again (the server would refuse to
  // make a second case, but the operator would wait twice).
  var sending = false;
  form.addEventListener("submit", function (event) {
    if (sending) { event.preventDefault(); return; }
    sending = true;
    setTimeout(function () { sending = false; }, 5000);
  });
})();
