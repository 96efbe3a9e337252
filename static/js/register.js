// The attendance register (and its import preview): a filter by name or email, select all
// or none of the people shown, and a running count. Without this script the page is a
// plain form that saves the same way. Rows hidden by the filter are still submitted.
(function () {
  "use strict";

  function setUp(form) {
    var tools = form.querySelector("[data-register-tools]");
    var filter = form.querySelector("[data-register-filter]");
    var shown = form.querySelector("[data-register-shown]");
    var count = form.querySelector("[data-register-count]");
    var rows = Array.prototype.slice.call(form.querySelectorAll("[data-register-row]"));
    var all = form.querySelector('[data-register-select="all"]');
    var none = form.querySelector('[data-register-select="none"]');
    if (!tools || !filter || !count) return;

    function box(row) { return row.querySelector('input[type="checkbox"]'); }
    // "jose" finds José: compare without accents and case.
    function plain(text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
    rows.forEach(function (row) { row.setAttribute("data-search", plain(row.getAttribute("data-search") || "")); });
    function visible() { return rows.filter(function (row) { return !row.hidden; }); }

    function updateCount() {
      var present = rows.filter(function (row) { return box(row).checked; }).length;
      count.textContent = present + " of " + rows.length + " present";
    }

    function applyFilter() {
      var words = plain(filter.value).split(/\s+/).filter(Boolean);
      rows.forEach(function (row) {
        var text = row.getAttribute("data-search") || "";
        row.hidden = !words.every(function (word) { return text.indexOf(word) !== -1; });
      });
      var n = visible().length;
      var filtered = words.length > 0;
      all.textContent = filtered ? "Select the " + n + " shown" : "Select all";
      none.textContent = filtered ? "Clear the " + n + " shown" : "Select none";
      all.disabled = none.disabled = n === 0;
      shown.textContent = filtered
        ? (n === 0 ? "Nobody matches “" + filter.value.trim() + "”." : "Showing " + n + " of " + rows.length + ".")
        : "";
    }

    function select(on) {
      visible().forEach(function (row) { box(row).checked = on; });
      updateCount();
    }

    var timer = null;
    filter.addEventListener("input", function () {
      // The "Showing n of m" line is announced once typing pauses, not on every key.
      window.clearTimeout(timer);
      timer = window.setTimeout(applyFilter, 250);
    });
    filter.addEventListener("keydown", function (event) {
      // Enter in the filter must not submit the register.
      if (event.key === "Enter") { event.preventDefault(); window.clearTimeout(timer); applyFilter(); }
    });
    all.addEventListener("click", function () { select(true); });
    none.addEventListener("click", function () { select(false); });
    form.addEventListener("change", function (event) {
      if (event.target.type === "checkbox") updateCount();
    });
    var submit = form.querySelector('button[type="submit"]');
    var label = submit ? submit.textContent : "";
    form.addEventListener("submit", function () {
      // A second click while the first save is on its way would only repeat it; say so.
      if (submit) { submit.setAttribute("aria-disabled", "true"); submit.textContent = "Saving…"; }
    });
    window.addEventListener("pageshow", function () {
      // Back to this page from the browser's history: ready to save again.
      if (submit) { submit.removeAttribute("aria-disabled"); submit.textContent = label; }
    });

    // Keep whatever gets focus clear of the sticky save bar, whatever its height (the CSS
    // sets a fallback): the checkbox is scrolled into view above it, with room for its label.
    var bar = form.querySelector(".action-bar");
    function padForBar() {
      if (bar) document.documentElement.style.scrollPaddingBottom = (bar.offsetHeight + 24) + "px";
    }
    window.addEventListener("resize", padForBar);
    form.addEventListener("focusin", function (event) {
      // A row taller than that room (a long email over several lines) is scrolled clear too.
      var row = event.target.closest("[data-register-row]");
      if (!row || !bar) return;
      var under = row.getBoundingClientRect().bottom - bar.getBoundingClientRect().top;
      if (under > 0) window.scrollBy(0, under);
    });

    tools.hidden = false;
    count.hidden = false;
    padForBar();
    applyFilter();
    updateCount();
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-register]"), setUp);
})();
