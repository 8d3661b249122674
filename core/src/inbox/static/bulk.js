// Bulk selection in the list (views/bulk-bar.tsx): shows how many rows are selected, selects or
// clears all, and keeps the selection when a live update redraws the list.
(() => {
  "use strict";
  var chosen = {};
  function boxes() {
    return document.querySelectorAll("input.row-select");
  }
  function show() {
    var n = Object.keys(chosen).length;
    document.querySelectorAll("[data-bulk-count]").forEach((el) => {
      el.textContent = n ? n + " selected" : "Select";
    });
    document.querySelectorAll("[data-bulk]").forEach((form) => form.classList.toggle("has-selection", n > 0));
    var all = document.querySelector("[data-bulk-all]");
    var list = boxes();
    if (all) all.checked = list.length > 0 && n >= list.length;
  }
  document.body.addEventListener("change", (event) => {
    var el = event.target;
    if (el.matches && el.matches("input.row-select")) {
      if (el.checked) chosen[el.value] = true;
      else delete chosen[el.value];
      show();
    } else if (el.matches && el.matches("[data-bulk-all]")) {
      boxes().forEach((box) => {
        box.checked = el.checked;
        if (el.checked) chosen[box.value] = true;
        else delete chosen[box.value];
      });
      show();
    }
  });
  document.body.addEventListener("htmx:afterSettle", () => {
    boxes().forEach((box) => {
      if (chosen[box.value]) box.checked = true;
    });
    show();
  });
})();
