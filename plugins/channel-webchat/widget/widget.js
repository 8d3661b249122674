/*
 * Switchboard live-chat widget. Plain JavaScript, no framework, no build step.
 *
 * Embed it with one tag:
 *   <script src="https://support.example.com/plugins/webchat/widget.js" data-inbox="site" async></script>
 * For a signed-in user, add data-identifier="grace@example.com" and data-identifier-hash="<hex HMAC-SHA256
 * of the identifier with the inbox secret, computed on your server>".
 *
 * It draws itself in a shadow root (the page's CSS cannot reach it), keeps the visitor token in the
 * page's localStorage, and talks to /plugins/webchat/inboxes/<inbox>/… : POST for what the visitor
 * does, and one Server-Sent Events stream (read with fetch, so the token stays in a header) for
 * what agents do. The stream resumes after the last message seen, so nothing is missed or repeated.
 *
 * Page API: window.SwitchboardWebchat.open(), .close(), .identify({ identifier, identifier_hash }), .reset()
 */
(() => {
  "use strict";

  const script = document.currentScript;
  if (!script || !script.dataset.inbox || window.SwitchboardWebchat) return;

  /* ---------- texts (English and German) ---------- */

  const TEXTS = {
    en: {
      open: "Open chat",
      close: "Close chat",
      send: "Send",
      attach: "Attach a file",
      placeholder: "Write a message…",
      typing: "Typing…",
      online: "We typically reply within {n} minutes.",
      offline: "We're away right now.",
      backAt: "We'll be back {when}.",
      leaveEmail: "Leave your email and we'll reply there:",
      email: "Email",
      name: "Name",
      save: "Save",
      start: "Start chat",
      skip: "Skip",
      prechat: "Before we start, how can we reach you?",
      emailSaved: "We'll reply to {email} by email if you have left.",
      resolved: "This conversation was closed.",
      rate: "How was your conversation?",
      comment: "Anything to add? (optional)",
      rated: "You rated this conversation {n}/5. Thank you!",
      failed: "Not sent: {reason}",
      retry: "Retry",
      reconnecting: "Reconnecting…",
      you: "You",
      agent: "Support",
      notAllowed: "This chat is not available on this site.",
      tooLarge: "{name} is too large (up to {max}).",
      badType: "{name}: this file type is not accepted.",
    },
    de: {
      open: "Chat öffnen",
      close: "Chat schließen",
      send: "Senden",
      attach: "Datei anhängen",
      placeholder: "Nachricht schreiben…",
      typing: "Schreibt…",
      online: "Wir antworten meist innerhalb von {n} Minuten.",
      offline: "Wir sind gerade nicht da.",
      backAt: "Wir sind {when} wieder da.",
      leaveEmail: "Hinterlassen Sie Ihre E-Mail, wir antworten dorthin:",
      email: "E-Mail",
      name: "Name",
      save: "Speichern",
      start: "Chat starten",
      skip: "Überspringen",
      prechat: "Bevor es losgeht: Wie erreichen wir Sie?",
      emailSaved: "Wir antworten an {email}, falls Sie nicht mehr hier sind.",
      resolved: "Diese Unterhaltung wurde beendet.",
      rate: "Wie war die Unterhaltung?",
      comment: "Möchten Sie etwas ergänzen? (optional)",
      rated: "Sie haben mit {n}/5 bewertet. Danke!",
      failed: "Nicht gesendet: {reason}",
      retry: "Erneut senden",
      reconnecting: "Verbindung wird wiederhergestellt…",
      you: "Sie",
      agent: "Support",
      notAllowed: "Dieser Chat ist auf dieser Seite nicht verfügbar.",
      tooLarge: "{name} ist zu groß (höchstens {max}).",
      badType: "{name}: Dieser Dateityp wird nicht angenommen.",
    },
  };

  /* ---------- where the server is, who the visitor is ---------- */

  const base = script.src.replace(/\/widget\.js(\?.*)?$/, "");
  const inboxName = script.dataset.inbox;
  const apiBase = base + "/inboxes/" + encodeURIComponent(inboxName);
  const storageKey = "swb-webchat:" + base + ":" + inboxName;
  let identity = script.dataset.identifier
    ? { identifier: script.dataset.identifier, identifier_hash: script.dataset.identifierHash || "" }
    : null;

  const state = {
    config: null,
    lang: "en",
    token: null,
    visitor: null,
    open: false,
    lastSeq: 0,
    entries: new Map(), // seq → entry
    pending: new Map(), // client id → { element, body }
    stream: null, // AbortController of the live connection
    retries: 0,
    unread: 0,
    seen: 0, // the last seq shown with the panel open
  };

  function loadStored() {
    try {
      return JSON.parse(localStorage.getItem(storageKey) || "null") || {};
    } catch (error) {
      console.warn("Switchboard webchat: cannot read localStorage; the chat will not survive a reload.", error);
      return {};
    }
  }

  function store(patch) {
    const next = Object.assign(loadStored(), patch);
    try {
      localStorage.setItem(storageKey, JSON.stringify(next));
    } catch (error) {
      console.warn("Switchboard webchat: cannot write localStorage; the chat will not survive a reload.", error);
    }
  }

  function t(key, values) {
    const text = (TEXTS[state.lang] || TEXTS.en)[key] || TEXTS.en[key];
    return text.replace(/\{(\w+)\}/g, (_, name) => (values && name in values ? String(values[name]) : ""));
  }

  /* ---------- the API ---------- */

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error && body.error.message) || "HTTP " + status);
      this.status = status;
      this.reason = body && body.error && body.error.reason;
    }
  }

  async function call(method, path, body, retried) {
    const headers = { "Content-Type": "application/json" };
    if (state.token) headers.Authorization = "Bearer " + state.token;
    const response = await fetch(apiBase + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = response.status === 204 ? null : await response.json();
    if (response.ok) return json;
    const error = new ApiError(response.status, json);
    if (response.status === 401 && /^token_/.test(error.reason || "") && !retried) {
      await startSession(true);
      return call(method, path, body, true);
    }
    throw error;
  }

  async function startSession(fresh) {
    const stored = loadStored();
    const sameIdentity = (stored.identifier || null) === (identity ? identity.identifier : null);
    const body = identity ? identity : !fresh && sameIdentity && stored.token ? { token: stored.token } : {};
    const response = await fetch(apiBase + "/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = await response.json();
    if (response.status === 401 && body.token) return startSession(true);
    if (!response.ok) throw new ApiError(response.status, json);
    state.token = json.token;
    state.visitor = json.visitor;
    if (stored.visitor !== json.visitor.id) state.seen = 0;
    store({ token: json.token, identifier: identity ? identity.identifier : null, visitor: json.visitor.id, seen: state.seen });
  }

  /* ---------- the DOM ---------- */

  const host = document.createElement("div");
  host.setAttribute("data-switchboard-webchat", inboxName);
  const root = host.attachShadow({ mode: "open" });
  const ui = {};

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children || []) if (child) node.append(child);
    return node;
  }

  function build(config) {
    host.setAttribute("data-theme", config.theme);
    host.setAttribute("data-position", config.position);
    host.style.setProperty("--swb-primary", config.colors.primary);
    host.style.setProperty("--swb-on-primary", config.colors.on_primary);
    root.append(el("link", { rel: "stylesheet", href: base + "/widget.css" }));

    ui.badge = el("span", { class: "badge", hidden: true });
    ui.launcher = el(
      "button",
      {
        class: "launcher",
        type: "button",
        "aria-expanded": "false",
        "aria-label": t("open"),
        onclick: () => (state.open ? closePanel() : openPanel()),
      },
      [el("span", { class: "launcher-label", text: config.launcher_label }), ui.badge],
    );
    ui.status = el("p", { class: "status" });
    ui.log = el("div", { class: "log", role: "log", "aria-live": "polite" });
    ui.typing = el("p", { class: "typing", hidden: true, text: t("typing") });
    ui.notice = el("div", { class: "notice" });
    ui.error = el("p", { class: "error", role: "alert", hidden: true });
    ui.text = el("textarea", {
      rows: "1",
      placeholder: t("placeholder"),
      "aria-label": t("placeholder"),
      maxlength: String(config.max_text_length),
      oninput: onInput,
      onkeydown: onKeyDown,
    });
    ui.file = el("input", { type: "file", hidden: true, multiple: true, accept: config.attachments.types.join(","), onchange: onFiles });
    ui.attach = config.attachments.enabled
      ? el("button", { class: "attach", type: "button", "aria-label": t("attach"), title: t("attach"), onclick: () => ui.file.click() }, [
          paperclip(),
        ])
      : null;
    ui.composer = el("form", { class: "composer", onsubmit: onSubmit }, [
      ui.attach,
      ui.file,
      ui.text,
      el("button", { class: "send", type: "submit", text: t("send") }),
    ]);
    ui.panel = el("section", { class: "panel", role: "dialog", "aria-label": config.title, hidden: true }, [
      el("header", {}, [
        el("div", {}, [el("h2", { text: config.title }), ui.status]),
        el("button", { class: "close", type: "button", "aria-label": t("close"), text: "×", onclick: closePanel }),
      ]),
      ui.log,
      ui.typing,
      ui.notice,
      ui.error,
      ui.composer,
    ]);
    root.append(el("div", { class: "root" }, [ui.panel, ui.launcher]));
    ui.log.append(el("div", { class: "msg agent greeting" }, [el("p", { class: "bubble", text: config.greeting })]));
    document.body.append(host);
  }

  function paperclip() {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", "M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9");
    svg.append(path);
    return svg;
  }

  function showStatus() {
    const config = state.config;
    ui.status.textContent = config.online ? t("online", { n: config.reply_time_minutes }) : t("offline");
    ui.notice.replaceChildren();
    if (!config.online) {
      if (config.next_open_at) {
        const when = new Intl.DateTimeFormat(state.lang, { weekday: "long", hour: "2-digit", minute: "2-digit" }).format(
          new Date(config.next_open_at),
        );
        ui.notice.append(el("p", { text: t("backAt", { when }) }));
      }
      if (!(state.visitor && state.visitor.email)) ui.notice.append(profileForm("offline"));
    } else if (config.pre_chat !== "off" && state.visitor && !state.visitor.email && !state.visitor.name && state.entries.size === 0) {
      ui.notice.append(profileForm("prechat"));
    }
  }

  function profileForm(kind) {
    const required = kind === "offline" || state.config.pre_chat === "required";
    const name =
      kind === "prechat"
        ? el("input", { name: "name", autocomplete: "name", "aria-label": t("name"), placeholder: t("name"), required })
        : null;
    const email = el("input", {
      name: "email",
      type: "email",
      autocomplete: "email",
      "aria-label": t("email"),
      placeholder: t("email"),
      required,
    });
    const skip =
      kind === "prechat" && !required
        ? el("button", { type: "button", class: "link", text: t("skip"), onclick: () => form.remove() })
        : null;
    const form = el(
      "form",
      {
        class: "profile " + kind,
        onsubmit: async (event) => {
          event.preventDefault();
          try {
            const result = await call("POST", "/profile", {
              name: name ? name.value.trim() || undefined : undefined,
              email: email.value.trim() || undefined,
            });
            state.visitor = result.visitor;
            form.replaceWith(kind === "offline" ? el("p", { text: t("emailSaved", { email: result.visitor.email }) }) : "");
          } catch (error) {
            showError(error);
          }
        },
      },
      [
        el("p", { text: kind === "prechat" ? t("prechat") : t("leaveEmail") }),
        name,
        email,
        el("button", { type: "submit", text: kind === "prechat" ? t("start") : t("save") }),
        skip,
      ],
    );
    return form;
  }

  function showError(error) {
    ui.error.hidden = false;
    ui.error.textContent = error.message;
    clearTimeout(showError.timer);
    showError.timer = setTimeout(() => (ui.error.hidden = true), 8000);
  }

  /* ---------- messages ---------- */

  function linkify(text) {
    const parts = [];
    let last = 0;
    for (const match of text.matchAll(/https?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g)) {
      parts.push(document.createTextNode(text.slice(last, match.index)));
      parts.push(el("a", { href: match[0], target: "_blank", rel: "noopener noreferrer nofollow", text: match[0] }));
      last = match.index + match[0].length;
    }
    parts.push(document.createTextNode(text.slice(last)));
    return parts;
  }

  function attachmentNode(entry, file) {
    if (file.url) return el("a", { class: "file", href: file.url, target: "_blank", rel: "noopener noreferrer", text: file.filename });
    const path = "/files/" + entry.seq + "/" + file.index;
    if (/^image\/(png|jpeg|gif|webp)$/.test(file.content_type)) {
      const img = el("img", { class: "thumb", alt: file.filename });
      fetchBlob(path).then(
        (url) => (img.src = url),
        (error) => console.warn("Switchboard webchat: cannot load " + file.filename, error),
      );
      return img;
    }
    return el("a", {
      class: "file",
      href: "#",
      text: file.filename,
      onclick: async (event) => {
        event.preventDefault();
        const link = el("a", { href: await fetchBlob(path), download: file.filename });
        link.click();
      },
    });
  }

  async function fetchBlob(path) {
    const response = await fetch(apiBase + path, { headers: { Authorization: "Bearer " + state.token } });
    if (!response.ok) throw new Error("HTTP " + response.status);
    return URL.createObjectURL(await response.blob());
  }

  function entryNode(entry) {
    if (entry.kind === "email") return el("p", { class: "system", text: t("emailSaved", { email: entry.text }) });
    if (entry.kind === "rating") return el("p", { class: "system", text: t("rated", { n: entry.rating }) });
    if (entry.kind === "resolved") {
      const rated = [...state.entries.values()].some((e) => e.kind === "rating" && e.conversation_id === entry.conversation_id);
      return el("div", { class: "system" }, [el("p", { text: t("resolved") }), entry.csat && !rated ? ratingForm(entry) : null]);
    }
    const who = entry.author === "visitor" ? t("you") : entry.agent_name || t("agent");
    return el("div", { class: "msg " + entry.author, "data-seq": String(entry.seq) }, [
      el("span", { class: "who", text: who }),
      entry.text ? el("p", { class: "bubble" }, linkify(entry.text)) : null,
      ...entry.attachments.map((file) => attachmentNode(entry, file)),
    ]);
  }

  function ratingForm(entry) {
    const comment = el("textarea", { rows: "2", placeholder: t("comment"), "aria-label": t("comment") });
    const buttons = [1, 2, 3, 4, 5].map((n) =>
      el("button", {
        type: "button",
        class: "star",
        "aria-label": n + "/5",
        text: "★",
        onclick: async () => {
          try {
            await call("POST", "/conversations/" + entry.conversation_id + "/rating", {
              rating: n,
              comment: comment.value.trim() || undefined,
            });
          } catch (error) {
            showError(error);
          }
        },
      }),
    );
    return el("div", { class: "rating" }, [el("p", { text: t("rate") }), el("div", { class: "stars" }, buttons), comment]);
  }

  /** Adds an entry once, in seq order; a visitor message replaces its pending bubble. */
  function addEntry(entry) {
    if (state.entries.has(entry.seq)) return;
    state.entries.set(entry.seq, entry);
    state.lastSeq = Math.max(state.lastSeq, entry.seq);
    const node = entryNode(entry);
    const pending = entry.client_id && state.pending.get(entry.client_id);
    if (pending) {
      pending.element.replaceWith(node);
      state.pending.delete(entry.client_id);
    } else {
      const later = [...ui.log.querySelectorAll("[data-seq]")].find((n) => Number(n.dataset.seq) > entry.seq);
      ui.log.insertBefore(node, later || null);
    }
    if (entry.kind === "rating") {
      ui.log.querySelectorAll(".rating").forEach((form) => form.remove());
    }
    if (entry.author === "agent") {
      ui.typing.hidden = true;
      if (!state.open && entry.seq > state.seen) setUnread(state.unread + 1);
    }
    if (state.open) markSeen();
    if (ui.notice.querySelector(".prechat")) ui.notice.replaceChildren();
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  /** Remembers (across reloads) what the visitor has seen, so history is not counted as unread. */
  function markSeen() {
    if (state.lastSeq <= state.seen) return;
    const unreadReply = [...state.entries.values()].some((e) => e.author === "agent" && e.seq > state.seen);
    state.seen = state.lastSeq;
    store({ seen: state.seen });
    if (!unreadReply) return;
    clearTimeout(markSeen.timer); // one receipt for a burst (a catch-up), not one per reply
    markSeen.timer = setTimeout(
      () => call("POST", "/read", { seq: state.seen }).catch((error) => console.warn("Switchboard webchat: read receipt not sent", error)),
      300,
    );
  }

  function setUnread(n) {
    state.unread = n;
    ui.badge.hidden = n === 0;
    ui.badge.textContent = String(n);
  }

  /* ---------- sending ---------- */

  function clientId() {
    const bytes = crypto.getRandomValues(new Uint8Array(12));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function send(body) {
    let pending = state.pending.get(body.client_id);
    if (!pending) {
      const element = el("div", { class: "msg visitor pending" }, [
        el("span", { class: "who", text: t("you") }),
        body.text ? el("p", { class: "bubble", text: body.text }) : null,
        ...(body.attachments || []).map((file) => el("span", { class: "file", text: file.filename })),
      ]);
      pending = { element, body };
      state.pending.set(body.client_id, pending);
      ui.log.append(element);
      ui.log.scrollTop = ui.log.scrollHeight;
    }
    pending.element.classList.remove("failed");
    pending.element.querySelector(".failure")?.remove();
    try {
      const result = await call("POST", "/messages", body);
      if (result.message) addEntry(result.message);
      store({ active: true });
      if (!state.stream) connect();
    } catch (error) {
      pending.element.classList.add("failed");
      pending.element.append(
        el("p", { class: "failure" }, [
          document.createTextNode(t("failed", { reason: error.message }) + " "),
          el("button", { type: "button", class: "link", text: t("retry"), onclick: () => send(body) }),
        ]),
      );
    }
  }

  function onSubmit(event) {
    event.preventDefault();
    const text = ui.text.value.trim();
    if (!text) return;
    ui.text.value = "";
    send({ client_id: clientId(), text, page: location.href });
  }

  function onKeyDown(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) onSubmit(event);
  }

  function onInput() {
    const now = Date.now();
    if (now - (onInput.last || 0) < 2500) return;
    onInput.last = now;
    call("POST", "/typing").catch((error) => console.warn("Switchboard webchat: typing not sent", error));
  }

  function readFile(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
  }

  async function onFiles() {
    const limits = state.config.attachments;
    const files = [...ui.file.files];
    ui.file.value = "";
    for (const file of files) {
      if (file.size > limits.max_bytes)
        return showError(new Error(t("tooLarge", { name: file.name, max: Math.round(limits.max_bytes / 1048576) + " MB" })));
      if (!limits.types.some((type) => type === file.type || (type.endsWith("/*") && file.type.startsWith(type.slice(0, -1)))))
        return showError(new Error(t("badType", { name: file.name })));
    }
    const attachments = await Promise.all(
      files.map(async (file) => ({ filename: file.name, content_type: file.type, data: await readFile(file) })),
    );
    send({ client_id: clientId(), text: ui.text.value.trim(), attachments, page: location.href });
    ui.text.value = "";
  }

  /* ---------- the live connection ---------- */

  function connect() {
    if (state.stream) state.stream.abort();
    const controller = new AbortController();
    state.stream = controller;
    let watchdog;
    const alive = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => controller.abort(), state.config.heartbeat_seconds * 2500);
    };
    alive();
    const headers = { Authorization: "Bearer " + state.token, Accept: "text/event-stream" };
    fetch(apiBase + "/stream?after=" + state.lastSeq, { headers, signal: controller.signal, cache: "no-store" })
      .then(async (response) => {
        if (!response.ok) throw new ApiError(response.status, await response.json());
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          alive();
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            onEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      })
      .catch((error) => {
        if (error.status === 401) return startSession(true);
        if (error.status === 403) throw error;
        if (error.name !== "AbortError") console.info("Switchboard webchat: connection lost, reconnecting", error.message);
      })
      .then(() => {
        clearTimeout(watchdog);
        if (state.stream === controller) reconnectLater();
      })
      .catch((error) => console.error("Switchboard webchat:", error.message));
  }

  function onEvent(block) {
    let event = "message";
    let data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data += line.slice(5).trim();
    }
    if (!data) return;
    const payload = JSON.parse(data);
    if (event === "message") addEntry(payload);
    else if (event === "ready") {
      state.retries = 0;
      host.setAttribute("data-connected", "");
      ui.status.classList.remove("reconnecting");
      if (state.config) ui.status.textContent = state.config.online ? t("online", { n: state.config.reply_time_minutes }) : t("offline");
    } else if (event === "typing") {
      ui.typing.hidden = false;
      clearTimeout(onEvent.typing);
      onEvent.typing = setTimeout(() => (ui.typing.hidden = true), 6000);
    }
  }

  function reconnectLater() {
    host.removeAttribute("data-connected");
    ui.status.textContent = t("reconnecting");
    ui.status.classList.add("reconnecting");
    const delay = Math.min(15000, 500 * 2 ** state.retries++) * (0.5 + Math.random() / 2);
    clearTimeout(reconnectLater.timer);
    reconnectLater.timer = setTimeout(connect, delay);
  }

  window.addEventListener("online", () => state.stream && !host.hasAttribute("data-connected") && connect());

  /* ---------- open, close, start ---------- */

  async function openPanel() {
    state.open = true;
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    ui.launcher.setAttribute("aria-label", t("close"));
    host.setAttribute("data-open", "");
    setUnread(0);
    markSeen();
    ui.text.focus();
    try {
      if (!state.token) await startSession(false);
    } catch (error) {
      return showError(error);
    }
    if (!state.stream) connect();
    showStatus();
  }

  function closePanel() {
    state.open = false;
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.setAttribute("aria-label", t("open"));
    host.removeAttribute("data-open");
  }

  async function boot() {
    const response = await fetch(apiBase + "/config");
    const config = await response.json();
    if (!response.ok) throw new ApiError(response.status, config);
    state.config = config;
    const browser = (navigator.language || "en").slice(0, 2).toLowerCase();
    state.lang = config.language === "auto" ? (TEXTS[browser] ? browser : "en") : config.language;
    build(config);
    const stored = loadStored();
    state.seen = stored.seen || 0;
    const sameIdentity = (stored.identifier || null) === (identity ? identity.identifier : null);
    // A signed-in user's token must not outlive their session on the site (a shared computer).
    if (stored.identifier && !sameIdentity) store({ token: null, identifier: null, visitor: null, active: false, seen: 0 });
    if (stored.active && sameIdentity) {
      await startSession(false);
      connect();
    }
  }

  window.SwitchboardWebchat = {
    open: () => openPanel(),
    close: () => closePanel(),
    /** Signs in a user of the site: { identifier, identifier_hash }. */
    identify(user) {
      identity = { identifier: user.identifier, identifier_hash: user.identifier_hash };
      return startSession(true).then(() => (state.stream || state.open) && connect());
    },
    /** Forgets the visitor (on logout). */
    reset() {
      if (state.stream) state.stream.abort();
      state.stream = null;
      identity = null;
      state.token = null;
      store({ token: null, identifier: null, active: false });
    },
  };

  boot().catch((error) =>
    console.error("Switchboard webchat: " + (error.reason === "origin_not_allowed" ? t("notAllowed") + " " : "") + error.message),
  );
})();
