// The inbox's own script: keyboard shortcuts, the help overlay, /shortcut canned responses, the
// composer's note mode and counter, and asking the timeline only for messages it has not shown.
// No eval, no inline handlers: it works under a strict Content-Security-Policy.
(function () {
  "use strict";
  var typing = function (el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  };

  // Timeline fragments: ask only for messages after the last one shown.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-timeline")) {
      var items = elt.querySelectorAll("[data-message-id]");
      var last = items.length ? items[items.length - 1].getAttribute("data-message-id") : "0";
      event.detail.parameters.after = last;
    }
  });
  // Never show a message twice (an SSE update and a reply's own refresh can cross).
  document.body.addEventListener("htmx:afterSettle", function () {
    var seen = {};
    document.querySelectorAll(".timeline [data-message-id]").forEach(function (el) {
      var id = el.getAttribute("data-message-id");
      if (seen[id]) el.remove();
      else seen[id] = true;
    });
    var timeline = document.querySelector(".timeline");
    if (timeline && timeline.getAttribute("data-stick") !== "no") timeline.scrollTop = timeline.scrollHeight;
  });
  // Forms marked data-reset-on-success are cleared after a successful htmx request.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (event.detail.successful && form && form.hasAttribute && form.hasAttribute("data-reset-on-success")) {
      form.reset();
      updateComposer();
    }
  });

  function updateComposer() {
    var composer = document.querySelector(".composer");
    if (!composer) return;
    var note = composer.querySelector("input[name=kind][value=note]");
    composer.classList.toggle("note-mode", !!(note && note.checked));
    var area = composer.querySelector("textarea");
    var counter = composer.querySelector("[data-counter]");
    if (area && counter) counter.textContent = area.value.length + (area.maxLength > 0 ? " / " + area.maxLength : "");
  }
  document.body.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest(".composer")) updateComposer();
  });
  document.body.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest(".composer")) updateComposer();
  });
  document.body.addEventListener("htmx:load", updateComposer);

  // "/shortcut" + Tab or Space expands a canned response.
  document.body.addEventListener("keydown", function (event) {
    var area = event.target;
    if (!area.matches || !area.matches(".composer textarea") || (event.key !== "Tab" && event.key !== " ")) return;
    var data = document.getElementById("canned-responses");
    if (!data) return;
    var before = area.value.slice(0, area.selectionStart);
    var match = /(^|\s)\/([\w-]+)$/.exec(before);
    if (!match) return;
    var canned = JSON.parse(data.textContent || "{}");
    var text = canned[match[2]];
    if (text === undefined) return;
    event.preventDefault();
    var start = before.length - match[2].length - 1;
    area.value = area.value.slice(0, start) + text + area.value.slice(area.selectionStart);
    area.selectionStart = area.selectionEnd = start + text.length;
    updateComposer();
  });

  // Keyboard shortcuts.
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll(".list li[data-conversation]"));
  }
  function move(step) {
    var all = rows();
    if (!all.length) return;
    var current = all.findIndex(function (li) { return li.classList.contains("selected"); });
    var next = all[Math.min(all.length - 1, Math.max(0, current + step))];
    var link = next.querySelector("a");
    if (link) link.click();
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var help = document.getElementById("shortcuts");
    if (event.key === "Escape" && help && help.open) return help.close();
    if (typing(document.activeElement)) return;
    var click = function (selector) {
      var el = document.querySelector(selector);
      if (el) { event.preventDefault(); el.click(); }
    };
    var focus = function (selector) {
      var el = document.querySelector(selector);
      if (el) { event.preventDefault(); el.focus(); }
    };
    switch (event.key) {
      case "j": event.preventDefault(); move(1); break;
      case "k": event.preventDefault(); move(-1); break;
      case "r": focus(".composer textarea"); break;
      case "e": click("[data-shortcut=resolve]"); break;
      case "a": focus("#assignee"); break;
      case "/": focus(".search input"); break;
      case "?": if (help) { event.preventDefault(); help.showModal(); } break;
    }
  });
  // The list row of the open conversation stays marked as htmx swaps the pane.
  document.body.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest(".list li[data-conversation]");
    if (row) {
      rows().forEach(function (li) { li.classList.remove("selected"); });
      row.classList.add("selected");
    }
  });
  document.body.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-open-help]");
    if (opener) document.getElementById("shortcuts").showModal();
    var closer = event.target.closest && event.target.closest("[data-close-dialog]");
    if (closer) closer.closest("dialog").close();
  });
})();
