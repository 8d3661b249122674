// The assistant bar (views/assist.tsx): inserting a suggestion, a draft streamed into the reply box,
// "Translate my reply" (a preview of what the customer will receive) and "Rewrite for <channel>".
// The composer keeps which assistant text it holds in hidden fields, so the server can mark the
// sent message and record each suggestion as used, edited or ignored. Any failure leaves the
// composer as it was and says so: the agent can always write and send by hand.
// Shortcuts (outside text fields): d draft, u summarise, t translate, w rewrite, 1-9 insert a
// suggestion; anywhere, with Alt: D, U, T (translate my reply), W.
(() => {
  "use strict";
  var bar = () => document.getElementById("assist");
  var composer = () => document.querySelector("form.composer");
  var area = () => composer() && composer().querySelector("textarea[name=text]");
  var csrf = () => {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
    } catch (error) {
      console.warn("no CSRF token on the page", error);
      return "";
    }
  };
  var status = (text) => {
    var el = bar() && bar().querySelector("[data-assist-status]");
    if (el) el.textContent = text || "";
  };
  var chosenInbox = () => {
    var select = composer() && composer().querySelector("select[name=inbox]");
    return select ? select.value : "";
  };

  /** A hidden field of the composer (created on first use). */
  function field(name, value) {
    var form = composer();
    if (!form) return;
    var input = form.querySelector("input[type=hidden][name=" + name + "]");
    if (value === undefined || value === null || value === "") {
      if (input) input.remove();
      return;
    }
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.setAttribute("data-assist-field", "");
      form.appendChild(input);
    }
    input.value = String(value);
  }
  function changed() {
    var text = area();
    if (text) text.dispatchEvent(new Event("input", { bubbles: true }));
  }

  /** Shows or hides the mark that the reply box holds assistant text. */
  function mark(on, what, sources) {
    var el = bar() && bar().querySelector("[data-assist-mark]");
    if (!el) return;
    el.hidden = !on;
    el.querySelector("[data-assist-mark-text]").textContent = (what || "Text") + " in your reply: read and edit it before sending.";
    el.querySelector("[data-assist-sources]").textContent = sources && sources.length ? "Drawn from: " + sources.join(", ") : "";
  }
  function dropTranslation() {
    ["translation", "translation_of", "translation_id", "translation_from", "translation_to"].forEach((n) => {
      field(n, "");
    });
    var preview = bar() && bar().querySelector("[data-assist-preview]");
    if (preview) preview.hidden = true;
  }
  function reset() {
    field("assist_id", "");
    dropTranslation();
    mark(false);
    status("");
  }

  /** Puts assistant text in the reply box and remembers which suggestion it is. */
  function useText(text, id, what, sources) {
    var box = area();
    if (!box) return;
    dropTranslation();
    box.value = text;
    field("assist_id", id);
    mark(true, what, sources);
    changed();
    box.focus();
  }

  function post(path, params) {
    var body = new URLSearchParams(params);
    return fetch(bar().getAttribute("data-assist-base") + path, {
      method: "POST",
      headers: { "X-CSRF-Token": csrf(), Accept: "application/json, text/event-stream" },
      body: body,
    });
  }

  // The draft, streamed as Server-Sent Events: chunk*, then done (or failed).
  var drafting = false;
  async function draft() {
    var box = area();
    if (!box || !bar() || drafting) return;
    if (box.value.trim()) {
      status("Clear the reply box first: the draft replaces it.");
      return;
    }
    drafting = true;
    status("Drafting…");
    dropTranslation();
    field("assist_id", "");
    mark(true, "A draft is being written", []);
    try {
      const response = await post("/draft", { inbox: chosenInbox() });
      if (!response.ok || !response.body) throw new Error("HTTP " + response.status);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      let finished = false;
      while (!finished) {
        const next = await reader.read();
        if (next.done) break;
        buffer += next.value;
        const events = buffer.split("\n\n");
        buffer = events.pop();
        for (var raw of events) {
          const name = (/^event: ?(.*)$/m.exec(raw) || [])[1];
          const data = (/^data: ?(.*)$/m.exec(raw) || [])[1];
          if (!name || data === undefined) continue;
          const payload = JSON.parse(data);
          if (name === "chunk") {
            box.value += payload.text;
            changed();
          } else if (name === "done") {
            field("assist_id", payload.id);
            mark(true, "A draft by " + payload.plugin, payload.sources);
            status("");
            finished = true;
          } else if (name === "failed") {
            status(payload.message);
            if (!box.value.trim()) mark(false);
            finished = true;
          }
        }
      }
    } catch (error) {
      console.warn("the draft failed", error);
      status("The assistant could not answer just now. Write your reply as usual.");
      if (!box.value.trim()) mark(false);
    } finally {
      drafting = false;
    }
  }

  async function composerAction(path, onAnswer) {
    var box = area();
    if (!box || !bar()) return;
    if (!box.value.trim()) {
      status("Write your reply first.");
      box.focus();
      return;
    }
    status("Asking the assistant…");
    try {
      const response = await post(path, { text: box.value, inbox: chosenInbox() });
      const answer = await response.json();
      if (!response.ok) return status((answer.error && answer.error.message) || "The assistant could not answer.");
      if (!answer.text) return status(answer.message);
      status("");
      onAnswer(answer, box);
    } catch (error) {
      console.warn("the assistant failed", error);
      status("The assistant could not answer just now. Write your reply as usual.");
    }
  }
  function translateReply() {
    composerAction("/translate-reply", (answer) => {
      var preview = bar().querySelector("[data-assist-preview]");
      preview.querySelector("[data-preview-language]").textContent = answer.to;
      preview.querySelector("[data-preview-text]").textContent = answer.text;
      preview.querySelector("[data-preview-text]").setAttribute("lang", answer.to);
      preview.hidden = false;
      field("translation", answer.text);
      field("translation_of", answer.of);
      field("translation_id", answer.id);
      field("translation_from", answer.from);
      field("translation_to", answer.to);
    });
  }
  function rewrite() {
    composerAction("/rewrite", (answer) => useText(answer.text, answer.id, "Rewritten for " + answer.channel + " by " + answer.plugin));
  }
  function click(selector) {
    var el = bar() && bar().querySelector(selector);
    if (el) el.click();
    return !!el;
  }

  document.body.addEventListener("click", (event) => {
    var insert = event.target.closest && event.target.closest("[data-assist-insert]");
    if (insert) {
      useText(insert.getAttribute("data-text"), insert.getAttribute("data-assist-id"), "A suggestion");
      return;
    }
    var action = event.target.closest && event.target.closest("[data-assist-action]");
    if (!action) return;
    var kind = action.getAttribute("data-assist-action");
    if (kind === "draft") draft();
    else if (kind === "translate-reply") translateReply();
    else if (kind === "rewrite") rewrite();
    else if (kind === "drop-translation") dropTranslation();
  });
  // Editing the text after translating it drops the translation (the server refuses a stale one too).
  document.body.addEventListener("input", (event) => {
    if (event.target !== area()) return;
    var of = composer().querySelector("input[name=translation_of]");
    if (of && of.value !== event.target.value) dropTranslation();
    if (!event.target.value.trim() && !drafting) reset();
  });
  // "Rewrite for <channel>" follows the channel picked in the composer.
  document.body.addEventListener("change", (event) => {
    if (!(event.target.closest && event.target.closest("form.composer")) || event.target.name !== "inbox") return;
    var label = bar() && bar().querySelector("[data-rewrite-channel]");
    var option = event.target.selectedOptions[0];
    var channel = option && /\(([^)]+)\)/.exec(option.textContent);
    if (label && channel) label.textContent = channel[1];
  });
  // A customer message that appears in another language than the agent's (as an assistant detected
  // it: data-language) is translated in place, its original kept one click away.
  var mine = (navigator.language || "en").toLowerCase().split("-")[0];
  var asked = {};
  // htmx:load comes for the page itself and for each piece htmx swaps in (a new message, a new pane).
  document.body.addEventListener("htmx:load", () => {
    if (!bar() || !bar().querySelector("[data-assist-action=translate]")) return;
    document.querySelectorAll(".timeline .msg.incoming[data-language]").forEach(async (msg) => {
      var id = msg.getAttribute("data-message-id");
      if (msg.getAttribute("data-language") === mine || asked[id]) return;
      asked[id] = true;
      try {
        const response = await post("/translate?message=" + encodeURIComponent(id), {});
        if (response.status !== 200) return;
        const html = await response.text();
        const current = document.getElementById("m-" + id);
        if (current) {
          current.outerHTML = html;
          if (window.htmx) window.htmx.process(document.getElementById("m-" + id));
        }
      } catch (error) {
        console.warn("translating a new message failed; press t to try again", error);
      }
    });
  });

  // A sent reply clears the assistant state with the composer.
  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful && event.detail.elt === composer()) reset();
  });

  document.addEventListener("keydown", (event) => {
    if (!bar() || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    var target = event.target;
    var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    var key = event.altKey ? { KeyD: "D", KeyU: "U", KeyT: "T", KeyW: "W" }[event.code] : typing ? undefined : event.key;
    var done = true;
    switch (key) {
      case "d":
      case "D":
        done = click("[data-assist-action=draft]");
        break;
      case "u":
      case "U":
        done = click("[data-assist-action=summarize]");
        break;
      case "t":
        done = click("[data-assist-action=translate]");
        break;
      case "T":
        done = click("[data-assist-action=translate-reply]");
        break;
      case "w":
      case "W":
        done = click("[data-assist-action=rewrite]");
        break;
      default: {
        const n = /^[1-9]$/.test(key || "") ? Number(key) : 0;
        const pick = n && bar().querySelectorAll("[data-assist-insert]")[n - 1];
        if (pick) pick.click();
        done = !!pick;
      }
    }
    if (done) event.preventDefault();
  });
})();
