// Colour mode: follows the system unless the person picked light or dark (a setting, not user text).
// Loaded in <head> so the page never flashes the wrong colours.
(function () {
  "use strict";
  var KEY = "attune-colour-mode";
  // This device's choice (the header menu) wins; otherwise the person's setting; otherwise the system.
  function stored() {
    var device = null;
    try { device = localStorage.getItem(KEY); } catch (e) { /* storage blocked */ }
    return device || document.documentElement.getAttribute("data-colour-preference") || "auto";
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
  // Parts that need JavaScript (the colour menu) are shown by CSS from the first paint, so nothing moves
  // when the rest of the scripts load.
  document.documentElement.classList.add("js");
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function () {
    apply(stored());
  });
  window.attuneSetColourMode = function (mode) {
    try { localStorage.setItem(KEY, mode); } catch (e) { /* private mode: still apply */ }
    apply(mode);
  };
})();
