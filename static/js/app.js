// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Colour-mode menu: buttons carry data-colour-mode-choice="auto|light|dark".
  function markChoice() {
    var current = document.documentElement.getAttribute("data-colour-mode") || "auto";
    document.querySelectorAll("[data-colour-mode-choice]").forEach(function (button) {
      var active = button.getAttribute("data-colour-mode-choice") === current;
      button.setAttribute("aria-pressed", active ? "true" : "false");
      button.classList.toggle("active", active);
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-colour-mode-choice]");
    if (!button) return;
    window.attuneSetColourMode(button.getAttribute("data-colour-mode-choice"));
    markChoice();
  });
  document.addEventListener("DOMContentLoaded", function () {
    markChoice();
    document.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
  });

  // Time zone: propose the browser's zone in a select that still says UTC (the person can change it).
  document.addEventListener("DOMContentLoaded", function () {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    document.querySelectorAll("select[data-propose-timezone]").forEach(function (select) {
      if (select.value === "UTC" && zone && select.querySelector('option[value="' + zone + '"]')) {
        select.value = zone;
      }
    });
  });

  // htmx sends the CSRF token from the <meta> tag on every request.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) event.detail.headers["X-CSRFToken"] = meta.getAttribute("content");
  });
})();
