// dateline: small comforts only. Every page works without this file.
(function () {
  "use strict";
  // "/" focuses the search box (unless typing in a field already).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (document.activeElement && document.activeElement.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
    var box = document.getElementById("q");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  });
  // Changing the sort order re-runs the search at once.
  var selects = document.querySelectorAll("select.autosubmit");
  Array.prototype.forEach.call(selects, function (select) {
    select.addEventListener("change", function () {
      if (select.form) select.form.submit();
    });
  });
  // A date range whose end is before its start is swapped before the form is sent.
  var form = document.getElementById("search-form");
  if (form) {
    form.addEventListener("submit", function () {
      var from = form.elements.namedItem("from"), to = form.elements.namedItem("to");
      if (from && to && from.value && to.value && from.value > to.value) {
        var v = from.value; from.value = to.value; to.value = v;
      }
      // empty fields stay out of the address, so links stay short and shareable
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && !el.value) el.disabled = true;
      });
    });
    // coming back with the Back button: fields disabled above must be usable again
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(form.elements, function (el) { el.disabled = false; });
    });
  }
})();
