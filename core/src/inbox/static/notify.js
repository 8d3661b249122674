// Notifications, presence and @-autocomplete.
// - Browser notifications for the "notify" events of the page's stream (routes/events.ts): asked
//   for only from the settings page's button, with an optional sound; kept in this browser.
// - The tab title counts the conversations in the list with unread customer messages.
// - An open conversation says every 20 s that its agent is viewing it; other agents' "is viewing"
//   lines go after 45 s without news.
// - Typing "@" in the reply box offers the agents by name (from the assignee picker).
(() => {
  "use strict";
  var SOUND = "swb-notify-sound";
  var store = {
    get: (key) => {
      try {
        return window.localStorage.getItem(key);
      } catch (error) {
        console.warn("notify: no local storage", error);
        return null;
      }
    },
    set: (key, value) => {
      try {
        window.localStorage.setItem(key, value);
      } catch (error) {
        console.warn("notify: no local storage", error);
      }
    },
  };

  // Settings page: permission only on a click, and the sound choice.
  function showState() {
    var state = document.querySelector("[data-notify-state]");
    if (!state) return;
    if (!("Notification" in window)) state.textContent = "This browser cannot show notifications.";
    else if (Notification.permission === "granted") state.textContent = "Browser notifications are on.";
    else if (Notification.permission === "denied") state.textContent = "Notifications are blocked in this browser's site settings.";
    else state.textContent = "Browser notifications are off.";
    var sound = document.querySelector("[data-notify-sound]");
    if (sound) sound.checked = store.get(SOUND) === "on";
  }
  document.body.addEventListener("click", (event) => {
    if (!event.target.closest || !event.target.closest("[data-notify-enable]")) return;
    if ("Notification" in window) Notification.requestPermission().then(showState);
  });
  document.body.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches("[data-notify-sound]")) store.set(SOUND, event.target.checked ? "on" : "off");
  });
  showState();

  function beep() {
    try {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      const ctx = new Ctx();
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.08;
      osc.connect(gain).connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.15);
    } catch (error) {
      console.warn("notify: no sound", error);
    }
  }

  // The stream's "notify" events arrive at the hidden sink; they are shown, never swapped in.
  document.body.addEventListener("htmx:sseBeforeMessage", (event) => {
    var sink = event.target;
    if (!sink.hasAttribute || !sink.hasAttribute("data-notify-sink")) return;
    event.preventDefault();
    var note;
    try {
      note = JSON.parse(event.detail.data);
    } catch (error) {
      console.warn("notify: not JSON", error);
      return;
    }
    sink.setAttribute("data-last", note.tag);
    if (store.get(SOUND) === "on") beep();
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    var shown = new Notification(note.title, { body: note.body, tag: note.tag });
    shown.onclick = () => {
      window.focus();
      window.location.href = note.url;
    };
  });

  // The tab title: "(3) Inbox · Switchboard" while three listed conversations have unread messages.
  var baseTitle = document.title.replace(/^\(\d+\) /, "");
  function title() {
    var n = document.querySelectorAll(".list .badge.unread").length;
    var current = document.title.replace(/^\(\d+\) /, "");
    baseTitle = current || baseTitle;
    document.title = (n ? "(" + n + ") " : "") + baseTitle;
  }
  document.body.addEventListener("htmx:afterSettle", title);
  title();

  // Presence: say "viewing" while a conversation is open and shown; drop others' stale lines.
  function viewing() {
    var line = document.querySelector("[data-viewing-line]");
    if (line && document.visibilityState === "visible" && window.htmx)
      window.htmx.ajax("POST", line.getAttribute("data-viewing-line"), { swap: "none", source: line });
  }
  var lastSeen = {};
  document.body.addEventListener("htmx:sseMessage", () => {
    var line = document.querySelector("[data-viewing-line]");
    if (!line) return;
    var byAgent = {};
    line.querySelectorAll("[data-viewing]").forEach((el) => {
      var who = el.getAttribute("data-viewing");
      if (byAgent[who]) byAgent[who].remove();
      byAgent[who] = el;
      if (!el.hasAttribute("data-at")) el.setAttribute("data-at", String(Date.now()));
      lastSeen[who] = Number(el.getAttribute("data-at"));
    });
  });
  setInterval(() => {
    document.querySelectorAll("[data-viewing-line] [data-viewing]").forEach((el) => {
      if (Date.now() - Number(el.getAttribute("data-at") || 0) > 45000) el.remove();
    });
    viewing();
  }, 20000);
  document.body.addEventListener("htmx:afterSettle", (event) => {
    if (event.target && event.target.id === "main") viewing();
  });
  viewing();

  // @-autocomplete in the reply box.
  var picker = null;
  var choice = 0;
  function agents() {
    return Array.prototype.map.call(document.querySelectorAll("#assignee option[value]:not([value=''])"), (o) =>
      o.textContent.replace(/ \((online|away|offline)\)$/, ""),
    );
  }
  function close() {
    if (picker) picker.remove();
    picker = null;
  }
  function query(area) {
    var before = area.value.slice(0, area.selectionStart);
    var match = /(^|\s)@([^\s@]*(?: [^\s@]*)?)$/.exec(before);
    return match ? { text: match[2], start: before.length - match[2].length - 1 } : null;
  }
  function render(area, names) {
    close();
    if (!names.length) return;
    picker = document.createElement("ul");
    picker.id = "mention-picker";
    picker.className = "mention-picker";
    picker.setAttribute("role", "listbox");
    picker.setAttribute("aria-label", "Agents to mention");
    names.forEach((name, i) => {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = "mention-" + i;
      li.textContent = name;
      li.setAttribute("aria-selected", i === choice ? "true" : "false");
      li.addEventListener("mousedown", (event) => {
        event.preventDefault();
        pick(area, name);
      });
      picker.appendChild(li);
    });
    area.insertAdjacentElement("afterend", picker);
    area.setAttribute("aria-activedescendant", "mention-" + choice);
  }
  function pick(area, name) {
    var q = query(area);
    if (!q) return close();
    var caret = area.selectionStart;
    area.value = area.value.slice(0, q.start) + "@" + name + " " + area.value.slice(caret);
    var at = q.start + name.length + 2;
    area.setSelectionRange(at, at);
    area.removeAttribute("aria-activedescendant");
    close();
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function matches(area) {
    var q = query(area);
    if (!q) return [];
    var text = q.text.toLowerCase();
    return agents()
      .filter(
        (name) =>
          name.toLowerCase().startsWith(text) ||
          name
            .toLowerCase()
            .split(" ")
            .some((w) => w.startsWith(text)),
      )
      .slice(0, 8);
  }
  document.body.addEventListener("input", (event) => {
    var area = event.target;
    if (area.id !== "reply-text") return;
    if (picker && event.isTrusted === false) return;
    choice = 0;
    render(area, matches(area));
  });
  document.body.addEventListener(
    "keydown",
    (event) => {
      if (!picker || event.target.id !== "reply-text") return;
      var items = picker.querySelectorAll("[role=option]");
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        choice = (choice + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        render(event.target, matches(event.target));
      } else if (event.key === "Enter" || event.key === "Tab") {
        pick(event.target, items[choice].textContent);
      } else if (event.key === "Escape") close();
      else return;
      event.preventDefault();
      event.stopPropagation();
    },
    true,
  );
  document.body.addEventListener("focusout", (event) => {
    if (event.target.id === "reply-text") setTimeout(close, 150);
  });
})();
