// Colour mode: follows the system unless the person picked light or dark (a setting, not user text).
// Loaded in <head> so the page never flashes the wrong colours.
(function () {
  "use strict";
  var KEY = "attune-colour-mode";
  function stored() {
    try { return localStorage.getItem(KEY) || "auto"; } catch (e) { return "auto"; }
  }
  function resolved(mode) {
    if (mode === "light" || mode === "dark") return mode;
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  function apply(mode) {
    document.documentElement.setAttribute("data-bs-theme", resolved(mode));
    document.documentElement.setAttribute("data-colour-mode", mode);
  }
  apply(stored());
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function () {
    apply(stored());
  });
  window.attuneSetColourMode = function (mode) {
    try { localStorage.setItem(KEY, mode); } catch (e) { /* private mode: still apply */ }
    apply(mode);
  };
})();
