"use strict";
// Django's two-list picker (filter_horizontal) puts an icon carrying aria-label but no role into the label of
// each filter box, so its words may go unannounced (and axe flags the attribute). Give it the image role, once
// the picker has been built on "load" (after every load listener, hence the timeout).
window.addEventListener("load", function () {
  window.setTimeout(function () {
    document.querySelectorAll(".selector .help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }, 0);
});
