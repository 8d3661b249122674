// The canned-response picker: "/" at the start of a word in the composer opens the list rendered
// by the server (views/canned-picker.tsx), the letters after it filter by shortcut and text,
// Up/Down move, Tab or Enter insert the active response (variables already filled), Escape closes.
// On Send, any "/shortcut" still in the text is expanded first (the server guards this too).
(() => {
  "use strict";
  var picker = () => document.getElementById("canned-picker");
  var options = () => Array.prototype.slice.call(picker().querySelectorAll("[role=option]"));
  var visible = () => options().filter((o) => !o.hidden);

  /** The "/word" just before the caret, or null. */
  function slashWord(area) {
    var before = area.value.slice(0, area.selectionStart);
    var match = /(^|\s)\/([\w-]*)$/.exec(before);
    return match ? { query: match[2], start: before.length - match[2].length - 1 } : null;
  }
  function close() {
    var p = picker();
    if (p) p.hidden = true;
  }
  function activate(option) {
    options().forEach((o) => {
      o.setAttribute("aria-selected", String(o === option));
    });
    var preview = picker().querySelector("[data-canned-preview]");
    if (preview) preview.textContent = option ? option.getAttribute("data-text") : "";
  }
  function refresh(area) {
    var p = picker();
    if (!p) return;
    var word = slashWord(area);
    if (!word) return close();
    var q = word.query.toLowerCase();
    options().forEach((o) => {
      var hay = (o.getAttribute("data-shortcut") + " " + o.getAttribute("data-text")).toLowerCase();
      o.hidden = q !== "" && hay.indexOf(q) === -1;
    });
    var shown = visible();
    if (!shown.length) return close();
    p.hidden = false;
    // The exact shortcut first, else the first shown.
    activate(shown.find((o) => o.getAttribute("data-shortcut") === q) || shown[0]);
  }
  function insert(area, option) {
    var word = slashWord(area);
    if (!word) return;
    var text = option.getAttribute("data-text");
    area.value = area.value.slice(0, word.start) + text + area.value.slice(area.selectionStart);
    area.selectionStart = area.selectionEnd = word.start + text.length;
    close();
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }
  var isComposer = (el) => el && el.matches && el.matches(".composer textarea");

  document.body.addEventListener("input", (event) => {
    if (isComposer(event.target)) refresh(event.target);
  });
  document.body.addEventListener("keydown", (event) => {
    var area = event.target;
    var p = picker();
    if (!isComposer(area) || !p || p.hidden) return;
    var shown = visible();
    var current = shown.findIndex((o) => o.getAttribute("aria-selected") === "true");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      activate(shown[(current + step + shown.length) % shown.length]);
    } else if ((event.key === "Tab" || event.key === "Enter") && current >= 0 && !event.shiftKey) {
      event.preventDefault();
      insert(area, shown[current]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  document.body.addEventListener("mousedown", (event) => {
    var option = event.target.closest && event.target.closest("#canned-picker [role=option]");
    var area = document.querySelector(".composer textarea");
    if (option && area) {
      event.preventDefault();
      insert(area, option);
    }
  });
  // Send: a "/shortcut" left in the text is expanded before the form goes.
  document.body.addEventListener("htmx:configRequest", (event) => {
    var p = picker();
    var params = event.detail.parameters;
    if (!p || !params || typeof params.text !== "string" || !event.detail.elt.matches(".composer")) return;
    var byShortcut = {};
    options().forEach((o) => {
      byShortcut[o.getAttribute("data-shortcut")] = o.getAttribute("data-text");
    });
    params.text = params.text.replace(/(^|\s)\/([\w-]+)(?=\s|$)/g, (whole, lead, shortcut) =>
      Object.hasOwn(byShortcut, shortcut) ? lead + byShortcut[shortcut] : whole,
    );
    close();
  });
})();
