// The inbox's own script: keyboard shortcuts, the help overlay (canned responses: canned.js), the
// composer's note mode and counter, and asking the timeline only for messages it has not shown.
// No eval, no inline handlers: it works under a strict Content-Security-Policy.
(() => {
  "use strict";
  var typing = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

  // Timeline fragments: ask only for messages after the last one shown. Snooze times are read in
  // the agent's own time zone (the form field has none): send its offset along.
  document.body.addEventListener("htmx:configRequest", (event) => {
    var elt = event.detail.elt;
    if (event.detail.parameters && "until" in event.detail.parameters) {
      event.detail.parameters.tz_offset = String(new Date().getTimezoneOffset());
    }
    if (elt && elt.hasAttribute && elt.hasAttribute("data-timeline")) {
      const items = elt.querySelectorAll("[data-message-id]");
      const last = items.length ? items[items.length - 1].getAttribute("data-message-id") : "0";
      event.detail.parameters.after = last;
    }
  });
  // Never show a message twice (an SSE update and a reply's own refresh can cross).
  document.body.addEventListener("htmx:afterSettle", () => {
    var seen = {};
    document.querySelectorAll(".timeline [data-message-id]").forEach((el) => {
      var id = el.getAttribute("data-message-id");
      if (seen[id]) el.remove();
      else seen[id] = true;
    });
    var timeline = document.querySelector(".timeline");
    if (timeline && timeline.getAttribute("data-stick") !== "no") timeline.scrollTop = timeline.scrollHeight;
  });
  // Forms marked data-reset-on-success are cleared after a successful htmx request.
  document.body.addEventListener("htmx:afterRequest", (event) => {
    var form = event.detail.elt;
    if (event.detail.successful && form && form.hasAttribute && form.hasAttribute("data-reset-on-success")) {
      form.reset();
      updateComposer();
    }
  });

  function updateComposer() {
    var composer = document.querySelector(".composer");
    if (!composer) return;
    // The chosen channel sets the length limit and the tone hint.
    var channel = composer.querySelector("select[name=inbox]");
    var option = channel && channel.selectedOptions[0];
    var textarea = composer.querySelector("textarea");
    if (option && textarea) {
      const max = option.getAttribute("data-max-length");
      if (max) textarea.maxLength = Number(max);
      else textarea.removeAttribute("maxlength");
      const hint = composer.querySelector("[data-tone-hint]");
      const tone = option.getAttribute("data-tone");
      if (hint) hint.textContent = tone ? "Tone: " + tone : "";
    }
    var note = composer.querySelector("input[name=kind][value=note]");
    composer.classList.toggle("note-mode", !!(note && note.checked));
    var area = composer.querySelector("textarea");
    var counter = composer.querySelector("[data-counter]");
    if (area && counter) counter.textContent = area.value.length + (area.maxLength > 0 ? " / " + area.maxLength : "");
  }
  // Typing in the composer tells the others watching (and the customer, where the channel shows
  // it), at most every 3 seconds.
  var lastTyping = 0;
  document.body.addEventListener("input", (event) => {
    var composer = event.target.closest && event.target.closest(".composer");
    if (!composer) return;
    updateComposer();
    var now = Date.now();
    if (event.target.tagName === "TEXTAREA" && now - lastTyping > 3000 && window.htmx) {
      lastTyping = now;
      // The textarea is the source (not the form), so the form's reset-on-success never fires for it.
      window.htmx.ajax("POST", composer.getAttribute("action").replace(/\/messages$/, "/typing"), { swap: "none", source: event.target });
    }
  });
  document.body.addEventListener("change", (event) => {
    if (event.target.closest && event.target.closest(".composer")) updateComposer();
  });
  document.body.addEventListener("htmx:load", updateComposer);

  // Keyboard shortcuts.
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll(".list li[data-conversation]"));
  }
  // The open conversation's row stays selected across live refreshes of the list: the refresh asks
  // for it (selected=<id>), and if it has left the list, j/k go on from where it was.
  var lastPosition = -1;
  var openConversation = () => {
    var selected = document.querySelector(".list li[data-conversation].selected");
    var match = /^\/inbox\/conversations\/(\d+)/.exec(location.pathname);
    return selected ? selected.getAttribute("data-conversation") : match ? match[1] : "";
  };
  document.body.addEventListener("htmx:configRequest", (event) => {
    var elt = event.detail.elt;
    if (elt && elt.id === "list" && event.detail.verb === "get") {
      const id = openConversation();
      event.detail.path = event.detail.path.replace(/([?&])selected=\d+&?/, "$1").replace(/[?&]$/, "");
      if (id) event.detail.parameters.selected = id;
    }
  });
  function move(step) {
    var all = rows();
    if (!all.length) return;
    var current = all.findIndex((li) => li.classList.contains("selected"));
    var target = current >= 0 ? current + step : lastPosition >= 0 ? lastPosition + (step > 0 ? 0 : -1) : step > 0 ? 0 : -1;
    var next = all[Math.min(all.length - 1, Math.max(0, target))];
    lastPosition = all.indexOf(next);
    var link = next.querySelector("a");
    if (link) link.click();
  }
  // An action in the header's "More" menu: opens the menu, then focuses the field.
  var focusInMore = (selector) => {
    var el = document.querySelector(selector);
    if (!el) return false;
    var more = el.closest("details");
    if (more) more.open = true;
    el.focus();
    return true;
  };
  document.addEventListener("keydown", (event) => {
    // Ctrl/Cmd+Enter in the composer sends (unless the canned picker took the Enter).
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.defaultPrevented) {
      const composer = event.target.closest && event.target.closest("form.composer");
      if (composer) {
        event.preventDefault();
        composer.requestSubmit();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var help = document.getElementById("shortcuts");
    if (event.key === "Escape" && help && help.open) return help.close();
    if (typing(document.activeElement)) return;
    var click = (selector) => {
      var el = document.querySelector(selector);
      if (el) {
        event.preventDefault();
        el.click();
      }
    };
    var focus = (selector) => {
      var el = document.querySelector(selector);
      if (el) {
        event.preventDefault();
        el.focus();
      }
    };
    switch (event.key) {
      case "j":
        event.preventDefault();
        move(1);
        break;
      case "k":
        event.preventDefault();
        move(-1);
        break;
      case "r":
        focus(".composer textarea");
        break;
      case "e":
        click("[data-shortcut=resolve]");
        break;
      case "a":
        focus("#assignee");
        break;
      case "n": {
        const note = document.querySelector(".composer input[name=kind][value=note]");
        if (note) {
          event.preventDefault();
          note.checked = true;
          updateComposer();
          document.querySelector(".composer textarea").focus();
        }
        break;
      }
      case "p":
        click("[data-shortcut=pending]");
        break;
      case "s":
        if (focusInMore("#snooze-until")) event.preventDefault();
        break;
      case "l":
        if (focusInMore("[data-shortcut=labels] input[name=label]")) event.preventDefault();
        break;
      case "/":
        focus(".search input");
        break;
      case "?":
        if (help) {
          event.preventDefault();
          help.showModal();
        }
        break;
    }
  });
  // "After resolving, open the next conversation": an option in the ? overlay, kept per browser.
  var RESOLVE_NEXT = "switchboard.resolveNext";
  var resolveNext = () => {
    try {
      return localStorage.getItem(RESOLVE_NEXT) === "1";
    } catch (error) {
      console.warn("localStorage is unavailable; resolving stays on the conversation", error);
      return false;
    }
  };
  var resolveNextBox = document.querySelector("[data-pref=resolve-next]");
  if (resolveNextBox) {
    resolveNextBox.checked = resolveNext();
    resolveNextBox.addEventListener("change", () => {
      try {
        localStorage.setItem(RESOLVE_NEXT, resolveNextBox.checked ? "1" : "0");
      } catch (error) {
        console.warn("localStorage is unavailable; the option is not kept", error);
      }
    });
  }
  // The resolve form is swapped out with the header it answers, so its request is marked before it goes.
  var resolving = new WeakSet();
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    var form = event.detail.elt;
    if (form && form.querySelector && form.querySelector("[data-shortcut=resolve]")) resolving.add(event.detail.xhr);
  });
  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful && resolving.has(event.detail.xhr) && resolveNext()) move(1);
  });
  // The list row of the open conversation stays marked as htmx swaps the pane.
  document.body.addEventListener("click", (event) => {
    var row = event.target.closest && event.target.closest(".list li[data-conversation]");
    if (row) {
      rows().forEach((li) => {
        li.classList.remove("selected");
      });
      row.classList.add("selected");
      lastPosition = rows().indexOf(row);
    }
  });
  document.body.addEventListener("click", (event) => {
    var opener = event.target.closest && event.target.closest("[data-open-help]");
    if (opener) document.getElementById("shortcuts").showModal();
    var closer = event.target.closest && event.target.closest("[data-close-dialog]");
    if (closer) closer.closest("dialog").close();
  });
  // SLA countdowns ([data-sla-due]) tick every second; a breach turns the badge and its row red.
  function countdown(due, now) {
    var s = Math.floor(Math.abs(due - now) / 1000);
    var parts =
      s >= 86400
        ? [Math.floor(s / 86400) + "d", Math.floor((s % 86400) / 3600) + "h"]
        : s >= 3600
          ? [Math.floor(s / 3600) + "h", Math.floor((s % 3600) / 60) + "m"]
          : s >= 60
            ? [Math.floor(s / 60) + "m", (s % 60) + "s"]
            : [s + "s"];
    var text = parts.filter((p) => !/^0[a-z]$/.test(p)).join(" ") || "0s";
    return due <= now ? "overdue " + text : text + " left";
  }
  setInterval(() => {
    var now = Date.now();
    document.querySelectorAll("[data-sla-due]").forEach((el) => {
      var due = Number(el.getAttribute("data-sla-due"));
      el.textContent = countdown(due, now);
      el.classList.toggle("breached", due <= now);
      el.classList.toggle("soon", due > now && due - now < 300000);
      var row = el.closest("li[data-conversation]");
      if (row) row.classList.toggle("breached", due <= now);
    });
  }, 1000);
})();
