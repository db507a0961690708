// The catalogue picker (templates/needs/_catalogue_picker.html): the search filters the cards as you type, and the
// count in the bar follows the ticks. Without this file the page filters on the server and counts on each load.
// A card the search hides keeps its checkbox in the form, so a tick is never lost to a filter.
(function () {
  "use strict";

  // The same words as the server's search_text(): lower case, curly apostrophes made straight.
  function words(text) {
    return text.replace(/\u2019/g, "'").toLowerCase().split(/\s+/).filter(Boolean);
  }

  function setUp(picker) {
    var input = picker.querySelector("[data-picker-query]");
    var summary = picker.querySelector("[data-picker-summary]");
    var empty = picker.querySelector("[data-picker-empty]");
    var nav = picker.querySelector("[data-picker-jump-nav]");
    var cards = Array.prototype.slice.call(picker.querySelectorAll("[data-picker-card]"));
    var sections = Array.prototype.slice.call(picker.querySelectorAll("[data-picker-section]"));
    var count = picker.querySelector("[data-picker-count]");
    var hiddenNote = picker.querySelector("[data-picker-hidden-note]");
    var hiddenCount = picker.querySelector("[data-picker-hidden-count]");
    var total = cards.length;
    var summaryTimer = null;

    function chosenBoxes() {
      return Array.prototype.slice.call(picker.querySelectorAll('input[name="catalogue_needs"]:checked'));
    }

    function updateCount() {
      var chosen = chosenBoxes();
      var hidden = chosen.filter(function (box) { return box.closest("[data-picker-card]").hidden; }).length;
      count.textContent = String(chosen.length);
      hiddenCount.textContent = String(hidden);
      hiddenNote.hidden = hidden === 0;
      cards.forEach(function (card) {
        var box = card.querySelector('input[name="catalogue_needs"]');
        if (box) card.classList.toggle("is-chosen", box.checked);
      });
    }

    // A live region that changes on every key is tiring to listen to: say the result once typing pauses.
    function updateSummary(query, shown) {
      window.clearTimeout(summaryTimer);
      if (!query) {
        summary.textContent = "";
        return;
      }
      summaryTimer = window.setTimeout(function () {
        if (shown) summary.textContent = "Showing " + shown + " of " + total + " needs.";
        else summary.textContent = "No needs match \u201c" + query + "\u201d.";
      }, 400);
    }

    function filter() {
      var query = input.value.trim().replace(/\s+/g, " ");
      var wanted = words(query);
      var shown = 0;
      cards.forEach(function (card) {
        var text = card.getAttribute("data-search");
        var match = wanted.every(function (word) { return text.indexOf(word) !== -1; });
        card.hidden = !match;
        if (match) shown += 1;
      });
      sections.forEach(function (section) {
        var inSection = section.querySelectorAll("[data-picker-card]:not([hidden])").length;
        var value = section.getAttribute("data-picker-section");
        var jump = picker.querySelector('[data-picker-jump="' + value + '"]');
        section.hidden = inSection === 0;
        if (jump) {
          jump.hidden = inSection === 0;
          jump.querySelector("[data-picker-jump-count]").textContent = String(inSection);
        }
      });
      if (nav) nav.hidden = shown === 0;
      empty.hidden = !query || shown > 0;
      updateSummary(query, shown);
      updateCount();
    }

    if (input) {
      input.addEventListener("input", filter);
      input.addEventListener("search", filter);
      // The list already follows the words typed: Enter would only send the form.
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
      picker.querySelectorAll("[data-picker-filter]").forEach(function (button) { button.hidden = true; });
      picker.querySelectorAll("[data-picker-clear]").forEach(function (button) {
        button.addEventListener("click", function (event) {
          event.preventDefault();
          input.value = "";
          filter();
          input.focus();
        });
      });
      // The browser may restore typed words on Back; show the list they ask for.
      if (input.value) filter();
    }
    picker.addEventListener("change", function (event) {
      if (event.target.matches('input[name="catalogue_needs"]')) updateCount();
    });
    updateCount();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picker]").forEach(setUp);
  });
})();
