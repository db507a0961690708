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
  document.addEventListener("DOMContentLoaded", markChoice);

  // Menus are <details class="menu"> and open without this file. With it they behave like menus elsewhere:
  // Escape closes the open one and puts focus back on its summary, opening one closes the others, and a
  // click or a Tab away from a menu closes it (an open panel never hides what has focus).
  function openMenus() {
    return Array.prototype.slice.call(document.querySelectorAll("details.menu[open]"));
  }
  function closeMenu(menu, refocus) {
    menu.open = false;
    if (refocus) menu.querySelector("summary").focus();
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") return;
    var open = openMenus();
    if (!open.length) return;
    var around = event.target.closest ? event.target.closest("details.menu[open]") : null;
    open.forEach(function (menu) { closeMenu(menu, menu === around || open.length === 1); });
    event.preventDefault();
  });
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (!menu.matches || !menu.matches("details.menu") || !menu.open) return;
    openMenus().forEach(function (other) { if (other !== menu) other.open = false; });
  }, true);
  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) { if (!menu.contains(event.target)) menu.open = false; });
  });
  document.addEventListener("focusout", function (event) {
    var menu = event.target.closest ? event.target.closest("details.menu[open]") : null;
    var next = event.relatedTarget;
    if (menu && next && !menu.contains(next)) menu.open = false;
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

  // Focus after an htmx swap: a swap that replaces the part holding focus (a form just submitted) would
  // drop it on <body>. Focus moves to the new part's [data-focus-after-swap] (its result), else to the part
  // itself. A swap elsewhere on the page (a progress bar refreshing) leaves focus where it is.
  var focusedSwap = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    focusedSwap = target && target.id && active && active !== document.body && target.contains(active)
      ? target.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    var id = focusedSwap;
    focusedSwap = null;
    if (!id) return;
    var swapped = document.getElementById(id);
    var active = document.activeElement;
    if (!swapped || (active && active !== document.body && document.contains(active))) return;
    var into = swapped.querySelector("[data-focus-after-swap]") || swapped;
    if (!into.hasAttribute("tabindex")) into.setAttribute("tabindex", "-1");
    into.focus();
  });
})();
