// Drafts: what an agent types in a conversation's reply box is kept on the server
// (routes/drafts.ts) a moment after they stop typing, and at once when they navigate away, so the
// text is there again when they come back. Sending clears it (the server drops it too).
(() => {
  "use strict";
  var timer = null;
  var pending = null;
  function csrf() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
    } catch (error) {
      console.warn("drafts: no CSRF token on the page", error);
      return "";
    }
  }
  function save(area, keepalive) {
    var url = area && area.getAttribute("data-draft-url");
    if (!url) return;
    fetch(url, {
      method: "POST",
      body: new URLSearchParams({ text: area.value }),
      headers: { "X-CSRF-Token": csrf() },
      credentials: "same-origin",
      keepalive: !!keepalive,
    }).catch((error) => console.warn("drafts: not saved", error));
  }
  function flush(keepalive) {
    if (!timer) return;
    clearTimeout(timer);
    timer = null;
    save(pending, keepalive);
  }
  document.body.addEventListener("input", (event) => {
    var area = event.target;
    if (!area.matches || !area.matches("textarea[data-draft-url]")) return;
    if (pending !== area) flush(false);
    pending = area;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      save(area, false);
    }, 600);
  });
  // Before any htmx request (opening another conversation), save now; a send needs no draft.
  document.addEventListener(
    "htmx:beforeRequest",
    (event) => {
      var elt = event.detail.elt;
      if (pending && elt && elt.contains && elt.contains(pending)) {
        clearTimeout(timer);
        timer = null;
      } else flush(false);
    },
    true,
  );
  // After a successful send the form is reset: reset it to empty, not to the draft it opened with.
  document.addEventListener(
    "htmx:afterRequest",
    (event) => {
      var form = event.detail.elt;
      var area = form && form.querySelector && form.querySelector("textarea[data-draft-url]");
      if (event.detail.successful && area && form.hasAttribute("data-reset-on-success")) area.defaultValue = "";
    },
    true,
  );
  window.addEventListener("pagehide", () => flush(true));
})();
