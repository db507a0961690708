// Autosave for the reflection form: a server-side draft every few seconds while typing, when a field
// loses focus, and when the page is hidden or closed. Nothing is kept in browser storage.
(function () {
  "use strict";
  var form = document.getElementById("reflection-form");
  if (!form || !window.fetch) return;
  var url = form.getAttribute("data-autosave-url");
  var status = form.querySelector("[data-autosave-status]");
  var draftInput = form.querySelector('input[name="draft_id"]');
  var timer = null;
  var lastSent = null;
  var inFlight = false;
  var DELAY = 3000;

  function payload() {
    var data = new FormData(form);
    data.delete("resolve");
    return data;
  }
  function signature(data) {
    var parts = [];
    data.forEach(function (value, key) { if (key !== "csrfmiddlewaretoken" && key !== "draft_id") parts.push(key + "=" + value); });
    return parts.join("&");
  }
  // A message from the server (a draft refused over a limit, a save elsewhere) stands out from the
  // routine "Draft saved" note, and is read out by screen readers through the status region.
  function say(text, notable) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("fw-semibold", !!notable);
  }
  function savedAt(iso) {
    return "Draft saved at " + new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ".";
  }

  function save() {
    timer = null;
    var data = payload();
    var sig = signature(data);
    if (sig === lastSent || inFlight) return;
    inFlight = true;
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": data.get("csrfmiddlewaretoken") || "" },
    }).then(function (response) {
      if (!response.ok || response.redirected) throw new Error("not saved");
      return response.json();
    }).then(function (result) {
      lastSent = sig;
      if (result.saved) {
        if (draftInput && result.draft_id) draftInput.value = result.draft_id;
        say(savedAt(result.saved_at) + (result.message ? " " + result.message : ""), !!result.message);
      } else if (result.message) {
        say(result.message, true);
      }
    }).catch(function () {
      say("Couldn’t save a draft just now. Your text is still here; keep writing.");
    }).then(function () {
      inFlight = false;
      // Typing went on while this one was on its way: send that too.
      if (lastSent === sig && signature(payload()) !== sig && !timer) soon();
    });
  }

  function soon() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, DELAY);
  }

  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  form.addEventListener("focusout", function (event) {
    // Leaving a field for the Save button: the submit itself keeps the text.
    var next = event.relatedTarget;
    if (next && next.type === "submit") return;
    if (timer) clearTimeout(timer);
    save();
  });

  // Closing the tab or switching away: send what is there, even if the page is going away.
  function flush() {
    var data = payload();
    if (signature(data) === lastSent || !navigator.sendBeacon) return;
    if (navigator.sendBeacon(url, data)) lastSent = signature(data);
  }
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") flush(); });
  window.addEventListener("pagehide", flush);

  // A real submit deletes the draft on the server; don't race it with a beacon.
  form.addEventListener("submit", function () { lastSent = signature(payload()); if (timer) clearTimeout(timer); });
})();
