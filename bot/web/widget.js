/*
 * Tidlig indsats chat widget: one script tag, no framework.
 *
 *   <script src="https://example.dk/chat/widget.js" defer
 *           data-server="https://bot.example.dk" data-title="Chat med kommunen"></script>
 *
 * Talks to Rasa's socket.io channel (session persistence) and falls back to the REST
 * channel while socket.io is not connected. The conversation (session id and messages)
 * is kept in sessionStorage, so it survives a page reload in the same tab.
 * Every text from the user or the bot is rendered with textContent; links are http(s) only.
 * All options are data attributes on the script tag: see docs/widget.md.
 *
 * This file is pure ASCII (Danish letters as \u escapes): a host page that is not UTF-8
 * would otherwise garble the texts, since a script inherits the page's encoding.
 */
(function () {
  "use strict";

  if (window.TidligIndsatsChat) return; // included twice: keep the first

  const script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  const data = (script && script.dataset) || {};
  const base = script && script.src ? new URL(".", script.src) : new URL(".", location.href);

  const STRINGS = {
    da: {
      title: "Sp\u00f8rg om tidlig indsats",
      subtitle: "Svar fra danske rapporter \u2013 altid med kilde",
      launcher: "Chat: sp\u00f8rg om tidlig indsats",
      close: "Luk chatten",
      restart: "Ny samtale",
      restartLabel: "Start en ny samtale (sletter denne samtale i vinduet)",
      log: "Samtale med chatbotten",
      you: "Du skrev:",
      bot: "Chatbotten svarede:",
      inputLabel: "Skriv dit sp\u00f8rgsm\u00e5l",
      placeholder: "Skriv dit sp\u00f8rgsm\u00e5l \u2026",
      send: "Send",
      privacy: "Skriv ikke navne eller CPR-numre.",
      welcome: "Hej! Jeg svarer p\u00e5 sp\u00f8rgsm\u00e5l om tidlig forebyggende indsats for b\u00f8rn og unge ud fra danske rapporter og notater, og jeg siger altid, hvor svaret kommer fra. Du kan fx sp\u00f8rge:",
      examples: "Hvad investerede Herning, og hvad fik de igen?|Hvad viser VIVEs unders\u00f8gelse af 18 kommuner?|Hvad er en dialogbaseret underretning?",
      suggestions: "Forslag til sp\u00f8rgsm\u00e5l",
      typing: "Chatbotten skriver \u2026",
      sources: "Kilder",
      source: "Kilde",
      showExcerpt: "Vis uddrag",
      hideExcerpt: "Skjul uddrag",
      excerptOf: "fra",
      opensNewWindow: "(\u00e5bner i nyt vindue)",
      feedbackQuestion: "Var svaret nyttigt?",
      feedbackUp: "Ja, svaret var nyttigt",
      feedbackDown: "Nej, svaret var ikke nyttigt",
      emergency: "Vigtigt \u2013 handl nu",
      notice: "Bem\u00e6rk",
      errorOffline: "Jeg kan ikke f\u00e5 forbindelse til chatbotten lige nu. Pr\u00f8v igen om lidt. Er et barn i akut fare, s\u00e5 ring 112, og kontakt kommunen (socialvagten uden for \u00e5bningstid).",
      errorNoReply: "Jeg fik ikke noget svar fra chatbotten. Pr\u00f8v at sende dit sp\u00f8rgsm\u00e5l igen.",
      reconnecting: "Forbindelsen blev afbrudt. Pr\u00f8ver igen \u2026",
    },
    en: {
      title: "Ask about early intervention",
      subtitle: "Answers from Danish reports \u2013 always with a source",
      launcher: "Chat: ask about early intervention",
      close: "Close the chat",
      restart: "New chat",
      restartLabel: "Start a new conversation (clears this conversation in the window)",
      log: "Conversation with the chatbot",
      you: "You wrote:",
      bot: "The chatbot replied:",
      inputLabel: "Type your question",
      placeholder: "Type your question \u2026",
      send: "Send",
      privacy: "Do not write names or CPR numbers.",
      welcome: "Hello! I answer questions on early preventive work for children and young people from Danish reports and notes, and I always say where the answer comes from. You could ask:",
      examples: "What did Herning invest, and what did they get back?|What does VIVE's study of 18 municipalities show?|What is a dialogue-based notification?",
      suggestions: "Suggested questions",
      typing: "The chatbot is typing \u2026",
      sources: "Sources",
      source: "Source",
      showExcerpt: "Show excerpt",
      hideExcerpt: "Hide excerpt",
      excerptOf: "from",
      opensNewWindow: "(opens in a new window)",
      feedbackQuestion: "Was the answer helpful?",
      feedbackUp: "Yes, the answer was helpful",
      feedbackDown: "No, the answer was not helpful",
      emergency: "Important \u2013 act now",
      notice: "Note",
      errorOffline: "I cannot reach the chatbot right now. Please try again in a moment. If a child is in acute danger, call 112 and contact the municipality (the social emergency service out of hours).",
      errorNoReply: "I got no reply from the chatbot. Please send your question again.",
      reconnecting: "The connection was lost. Retrying \u2026",
    },
  };

  const lang = STRINGS[data.lang] ? data.lang : "da";
  const t = Object.assign({}, STRINGS[lang]);
  for (const key of Object.keys(data)) {
    // data-text-feedback-up="..." -> t.feedbackUp
    if (key.startsWith("text") && key.length > 4) t[key[4].toLowerCase() + key.slice(5)] = data[key];
  }
  if (data.title) t.title = data.title;
  if (data.examples !== undefined) t.examples = data.examples;

  const config = {
    server: serverUrl(),
    socketPath: data.socketPath || "/socket.io",
    socketioSrc: data.socketioSrc || new URL("vendor/socket.io.min.js", base).href,
    css: data.css || new URL("widget.css", base).href,
    transport: data.transport === "rest" ? "rest" : "auto",
    target: data.target || "",
    open: data.open === "true",
    replyTimeoutMs: Number(data.replyTimeout || 30000),
  };
  const storageKey = `tidlig-indsats-chat:${config.server}`;
  const FEEDBACK_KINDS = new Set(["answer", "guidance", "no_answer"]);
  const MAX_STORED = 200;

  function serverUrl() {
    let url = data.server || `${location.protocol}//${location.hostname}:5005`;
    // Opt-in (demo page only): data-server-param="server" lets ?server=... choose the server.
    if (data.serverParam) {
      const fromQuery = new URLSearchParams(location.search).get(data.serverParam);
      if (fromQuery && safeUrl(fromQuery)) url = fromQuery;
    }
    return url.replace(/\/+$/, "");
  }

  function safeUrl(value) {
    try {
      const url = new URL(String(value));
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (_) {
      return null;
    }
  }

  // ---- state kept in sessionStorage --------------------------------------------------

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function loadState() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(storageKey) || "null");
      if (saved && typeof saved.sessionId === "string" && Array.isArray(saved.messages)) {
        saved.messages = saved.messages.filter((m) => m && typeof m.text === "string"
          && (m.from === "user" || m.from === "bot") && /^[a-z_]{1,20}$/.test(m.kind || ""));
        return saved;
      }
    } catch (_) { /* storage blocked or corrupt: start afresh */ }
    return { sessionId: newId(), messages: [], open: config.open };
  }

  const state = loadState();

  function saveState() {
    state.messages = state.messages.slice(-MAX_STORED);
    try {
      sessionStorage.setItem(storageKey, JSON.stringify(state));
    } catch (_) { /* private mode or quota: the chat still works, without reload memory */ }
  }

  // ---- DOM helpers ----------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value; // text only, never HTML
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  const srOnly = (text) => el("span", { class: "tiw-sr", text });

  // Icons as inline SVG (Material Icons paths, Apache-2.0): no emoji font needed.
  const ICONS = {
    chat: "M20 2H4c-1.1 0-2 .9-2 2v18l4-4h14c1.1 0 2-.9 2-2V4c0-1.1-.9-2-2-2z",
    close: "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z",
    up: "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z",
    down: "M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2zm4 0v12h4V3h-4z",
    warning: "M1 21h22L12 2 1 21zm12-3h-2v-2h2v2zm0-4h-2v-4h2v4z",
  };

  function icon(name, size) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    for (const [k, v] of Object.entries({ viewBox: "0 0 24 24", width: size || 20, height: size || 20,
                                          "aria-hidden": "true", focusable: "false", class: "tiw-icon" })) {
      svg.setAttribute(k, String(v));
    }
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    path.setAttribute("fill", "currentColor");
    svg.append(path);
    return svg;
  }

  // ---- build the widget -----------------------------------------------------------------

  const host = el("div", { class: "tidlig-indsats-chat" });
  const root = host.attachShadow({ mode: "open" });
  const floating = !config.target;
  let uid = 0;
  const id = (name) => `tiw-${name}-${++uid}`;

  const ids = { panel: id("panel"), title: id("title"), input: id("input"), privacy: id("privacy") };
  // The scrolling live region (role="log", focusable so keyboard users can scroll it) holds a list.
  const list = el("ol", { class: "tiw-list" });
  const log = el("div", { class: "tiw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
                          "aria-label": t.log, tabindex: "0" }, list);
  const alertRegion = el("div", { class: "tiw-sr", role: "alert" });
  const statusLine = el("p", { class: "tiw-status", role: "status" });
  const typing = el("div", { class: "tiw-typing", hidden: true, "aria-hidden": "true" },
    el("span", { class: "tiw-dot" }), el("span", { class: "tiw-dot" }), el("span", { class: "tiw-dot" }));
  const typingStatus = el("p", { class: "tiw-sr", role: "status" });
  const input = el("input", { id: ids.input, class: "tiw-input", type: "text", autocomplete: "off",
                              maxlength: "2000", enterkeyhint: "send", placeholder: t.placeholder,
                              "aria-describedby": ids.privacy });
  const sendButton = el("button", { class: "tiw-send", type: "submit", text: t.send });
  const form = el("form", { class: "tiw-form", onsubmit: onSubmit },
    el("label", { class: "tiw-sr", for: ids.input, text: t.inputLabel }), input, sendButton);

  const closeButton = floating
    ? el("button", { class: "tiw-icon-button", type: "button", "aria-label": t.close, title: t.close,
                     onclick: () => setOpen(false, true) }, icon("close"))
    : null;
  const restartButton = el("button", { class: "tiw-text-button", type: "button", title: t.restartLabel,
                                       onclick: restart, text: t.restart });

  const panel = el("section", { id: ids.panel, class: "tiw-panel", "aria-labelledby": ids.title },
    el("header", { class: "tiw-header" },
      el("div", { class: "tiw-heading" },
        el("h2", { id: ids.title, class: "tiw-title", text: t.title }),
        t.subtitle ? el("p", { class: "tiw-subtitle", text: t.subtitle }) : null),
      restartButton, closeButton),
    statusLine, log, typing, typingStatus, alertRegion,
    el("footer", { class: "tiw-footer" }, form,
      el("p", { id: ids.privacy, class: "tiw-privacy", text: t.privacy })));

  const launcher = floating
    ? el("button", { class: "tiw-launcher", type: "button", "aria-controls": ids.panel, "aria-expanded": "false",
                     onclick: () => setOpen(true, true) },
        icon("chat", 22),
        el("span", { class: "tiw-launcher-text", text: t.launcher }))
    : null;

  const container = el("div", { class: `tiw ${floating ? "tiw--floating" : "tiw--inline"}`, lang,
                                "data-connection": "connecting" }, panel, launcher);
  root.append(container);
  applyColours();

  function applyColours() {
    const vars = { colorPrimary: "--tiw-primary", colorOnPrimary: "--tiw-on-primary",
                   colorEmergency: "--tiw-emergency", colorBackground: "--tiw-bg", colorText: "--tiw-text",
                   colorLink: "--tiw-link",
                   fontFamily: "--tiw-font", width: "--tiw-width", height: "--tiw-height" };
    for (const [key, cssVar] of Object.entries(vars)) {
      if (data[key]) host.style.setProperty(cssVar, data[key]);
    }
  }

  // ---- rendering --------------------------------------------------------------------------

  function renderWelcome() {
    const examples = String(t.examples || "").split("|").map((s) => s.trim()).filter(Boolean);
    const record = { from: "bot", kind: "welcome", text: t.welcome,
                     buttons: examples.map((q) => ({ title: q, payload: q })) };
    const hasUserMessage = state.messages.some((m) => m.from === "user");
    list.append(renderMessage(record, { buttons: !hasUserMessage }));
  }

  function displayText(record) {
    // The answer's text ends with a "Kilde: ..." line; the sources block shows it with links.
    if (record.sources && record.sources.length) {
      const parts = record.text.split(/\n\s*\n/);
      if (parts.length > 1 && /^(Kilder?|Sources?):/i.test(parts[parts.length - 1].trim())) {
        return parts.slice(0, -1).join("\n\n");
      }
    }
    return record.text;
  }

  function renderMessage(record, opts) {
    const options = Object.assign({ buttons: true, feedback: true }, opts);
    const kind = record.kind || (record.from === "user" ? "user" : "bot");
    const li = el("li", { class: `tiw-msg tiw-msg--${record.from} tiw-kind--${kind}`, "data-kind": kind });
    const bubble = el("div", { class: "tiw-bubble" }, srOnly(record.from === "user" ? t.you : t.bot + " "));
    if (kind === "emergency") bubble.append(el("p", { class: "tiw-badge" }, icon("warning", 18), t.emergency));
    if (kind === "notice") bubble.append(el("p", { class: "tiw-badge tiw-badge--notice", text: t.notice }));
    bubble.append(el("p", { class: "tiw-text", text: record.from === "user" ? record.text : displayText(record) }));
    if (record.sources && record.sources.length) bubble.append(renderSources(record.sources));
    li.append(bubble);
    if (options.buttons && record.buttons && record.buttons.length) li.append(renderButtons(record));
    if (options.feedback && record.from === "bot" && FEEDBACK_KINDS.has(kind)) {
      const group = renderFeedback(record);
      if (group) li.append(group);
    }
    return li;
  }

  function renderSources(sources) {
    const headingId = id("sources");
    const list = el("ul", { class: "tiw-source-list", "aria-labelledby": headingId });
    for (const source of sources) {
      const title = String(source.title || source.file || t.source);
      const url = safeUrl(source.url);
      const cite = url
        ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer", class: "tiw-source-link" },
            title, srOnly(` ${t.opensNewWindow}`))
        : el("cite", { class: "tiw-source-title", text: title });
      const meta = [source.publisher, source.year].filter((v) => v !== null && v !== undefined && v !== "")
        .join(", ");
      const item = el("li", { class: "tiw-source" }, cite, meta ? el("span", { class: "tiw-source-meta", text: ` \u2013 ${meta}` }) : null);
      if (source.passage) {
        const excerptId = id("excerpt");
        const excerpt = el("blockquote", { id: excerptId, class: "tiw-excerpt", hidden: true, text: String(source.passage) });
        const toggle = el("button", { type: "button", class: "tiw-excerpt-toggle", "aria-expanded": "false",
                                      "aria-controls": excerptId, text: t.showExcerpt });
        toggle.setAttribute("aria-label", `${t.showExcerpt} ${t.excerptOf} ${title}`);
        toggle.addEventListener("click", () => {
          const show = excerpt.hidden;
          excerpt.hidden = !show;
          toggle.setAttribute("aria-expanded", String(show));
          toggle.textContent = show ? t.hideExcerpt : t.showExcerpt;
          toggle.setAttribute("aria-label", `${show ? t.hideExcerpt : t.showExcerpt} ${t.excerptOf} ${title}`);
        });
        item.append(" ", toggle, excerpt);
      }
      list.append(item);
    }
    return el("div", { class: "tiw-sources" },
      el("p", { id: headingId, class: "tiw-sources-heading", text: sources.length > 1 ? t.sources : t.source }), list);
  }

  function renderButtons(record) {
    const group = el("div", { class: "tiw-buttons", role: "group", "aria-label": t.suggestions });
    for (const button of record.buttons) {
      const title = String(button.title || button.payload || "");
      const payload = String(button.payload || button.title || "");
      if (!title) continue;
      group.append(el("button", { type: "button", class: "tiw-quick", text: title,
                                  onclick: () => { send(payload, title); input.focus(); } }));
    }
    return group;
  }

  function renderFeedback(record) {
    const index = state.messages.indexOf(record);
    const latest = index >= 0 && state.messages.slice(index + 1).every((m) => !FEEDBACK_KINDS.has(m.kind));
    if (!record.feedback && !latest) return null; // feedback counts for the latest answer only
    const group = el("div", { class: "tiw-feedback", role: "group", "aria-label": t.feedbackQuestion },
      el("span", { class: "tiw-feedback-q", "aria-hidden": "true", text: t.feedbackQuestion }));
    for (const [value, label, intent] of [["up", t.feedbackUp, "/feedback_positive"],
                                          ["down", t.feedbackDown, "/feedback_negative"]]) {
      const button = el("button", { type: "button", class: `tiw-vote tiw-vote--${value}`, "aria-label": label,
                                    title: label, "aria-pressed": String(record.feedback === value) }, icon(value, 18));
      if (record.feedback) button.setAttribute("aria-disabled", "true");
      button.addEventListener("click", () => {
        if (record.feedback) return;
        record.feedback = value;
        saveState();
        for (const b of group.querySelectorAll("button")) b.setAttribute("aria-disabled", "true");
        button.setAttribute("aria-pressed", "true");
        send(intent, null);
      });
      group.append(button);
    }
    return group;
  }

  function renderAll() {
    list.replaceChildren();
    renderWelcome();
    state.messages.forEach((record, i) => {
      list.append(renderMessage(record, { buttons: i === state.messages.length - 1 }));
    });
  }

  function addMessage(record) {
    state.messages.push(record);
    saveState();
    if (FEEDBACK_KINDS.has(record.kind)) { // older, unused feedback controls go away
      for (const group of log.querySelectorAll(".tiw-feedback")) {
        if (!group.querySelector('[aria-pressed="true"]')) group.remove();
      }
    }
    const item = renderMessage(record);
    list.append(item);
    if (record.kind === "emergency") announceAlert(`${t.emergency}: ${record.text}`);
    scrollTo(item);
  }

  function scrollTo(item) {
    // A long bot message is shown from its start; anything else scrolls to the end.
    const tall = item && item.offsetHeight > log.clientHeight - 16;
    log.scrollTop = tall && item.classList.contains("tiw-msg--bot") ? item.offsetTop - 8 : log.scrollHeight;
  }

  function announceAlert(text) {
    alertRegion.textContent = "";
    setTimeout(() => { alertRegion.textContent = text; }, 50);
  }

  function dropQuickReplies() {
    for (const group of log.querySelectorAll(".tiw-buttons")) group.remove();
    for (const record of state.messages) delete record.buttons;
  }

  // ---- incoming bot messages --------------------------------------------------------------

  function toRecord(message) {
    if (!message || typeof message !== "object") return null;
    const custom = message.custom && typeof message.custom === "object" ? message.custom : {};
    const text = typeof message.text === "string" && message.text ? message.text
      : typeof custom.text === "string" ? custom.text : "";
    const rawButtons = Array.isArray(message.buttons) ? message.buttons
      : Array.isArray(message.quick_replies) ? message.quick_replies : [];
    const buttons = rawButtons.filter((b) => b && typeof b === "object")
      .map((b) => ({ title: String(b.title || ""), payload: String(b.payload || "") }));
    if (!text && !buttons.length) return null;
    const sources = Array.isArray(custom.sources) ? custom.sources.filter((s) => s && typeof s === "object")
      .map((s) => ({ title: s.title, publisher: s.publisher, year: s.year, url: s.url, passage: s.passage, file: s.file }))
      : [];
    const kind = typeof custom.kind === "string" && /^[a-z_]{1,20}$/.test(custom.kind) ? custom.kind : "bot";
    return { from: "bot", kind, text, buttons, sources };
  }

  function receive(message) {
    const record = toRecord(message);
    stopWaiting();
    if (record) addMessage(record);
  }

  // ---- sending: socket.io first, REST while it is not connected ------------------------

  let socket = null;
  let socketReady = false;
  let everConnected = false;
  let waitTimer = null;

  function setConnection(mode) {
    container.setAttribute("data-connection", mode);
  }

  function startWaiting() {
    typing.hidden = false;
    typingStatus.textContent = t.typing;
    log.scrollTop = log.scrollHeight;
    clearTimeout(waitTimer);
    waitTimer = setTimeout(() => {
      stopWaiting();
      addMessage({ from: "bot", kind: "error", text: t.errorNoReply });
    }, config.replyTimeoutMs);
  }

  function stopWaiting() {
    clearTimeout(waitTimer);
    typing.hidden = true;
    typingStatus.textContent = "";
  }

  function onSubmit(event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text, text);
  }

  /** Send `payload` to the bot; show `shown` as the user's message (null: show nothing). */
  function send(payload, shown) {
    dropQuickReplies();
    if (shown !== null) addMessage({ from: "user", kind: "user", text: shown });
    startWaiting();
    if (socketReady && socket && socket.connected) {
      socket.emit("user_uttered", { message: payload, session_id: state.sessionId });
    } else {
      sendRest(payload);
    }
  }

  async function sendRest(payload) {
    try {
      const response = await fetch(`${config.server}/webhooks/rest/webhook`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: state.sessionId, message: payload }),
      });
      const messages = await response.json();
      if (!Array.isArray(messages)) throw new Error("unexpected reply");
      if (!socketReady) setConnection("rest");
      stopWaiting();
      messages.forEach(receive);
      if (!messages.length) addMessage({ from: "bot", kind: "error", text: t.errorNoReply });
    } catch (_) {
      stopWaiting();
      addMessage({ from: "bot", kind: "error", text: t.errorOffline });
    }
  }

  function connectSocket() {
    if (config.transport === "rest") { setConnection("rest"); return; }
    loadSocketIo().then((io) => {
      socket = io(config.server, {
        path: config.socketPath,
        reconnection: true,
        reconnectionDelay: 1000,
        reconnectionDelayMax: 10000,
        timeout: 8000,
      });
      socket.on("connect", () => {
        // After every (re)connection, e.g. when the server restarted: rejoin the session.
        socket.emit("session_request", { session_id: state.sessionId });
      });
      socket.on("session_confirm", () => {
        socketReady = true;
        everConnected = true;
        statusLine.textContent = "";
        setConnection("socket");
      });
      socket.on("bot_uttered", receive);
      socket.on("disconnect", (reason) => {
        socketReady = false;
        setConnection("rest");
        if (everConnected) statusLine.textContent = t.reconnecting;
        if (reason === "io server disconnect") socket.connect(); // the server closed it: reconnect anyway
      });
      socket.on("connect_error", () => {
        socketReady = false;
        setConnection("rest");
      });
    }).catch(() => setConnection("rest")); // no socket.io client: REST only
  }

  function loadSocketIo() {
    if (typeof window.io === "function") return Promise.resolve(window.io);
    return new Promise((resolve, reject) => {
      const tag = document.createElement("script");
      tag.src = config.socketioSrc;
      tag.async = true;
      tag.onload = () => (typeof window.io === "function" ? resolve(window.io) : reject(new Error("no io")));
      tag.onerror = reject;
      document.head.append(tag);
    });
  }

  // ---- open, close, restart ---------------------------------------------------------------

  function setOpen(open, moveFocus) {
    state.open = open;
    saveState();
    if (!floating) return;
    container.classList.toggle("tiw--open", open);
    panel.hidden = !open;
    launcher.hidden = open;
    launcher.setAttribute("aria-expanded", String(open));
    if (moveFocus) (open ? input : launcher).focus();
    if (open) log.scrollTop = log.scrollHeight;
  }

  function restart() {
    state.sessionId = newId();
    state.messages = [];
    saveState();
    stopWaiting();
    renderAll();
    if (socket && socket.connected) socket.emit("session_request", { session_id: state.sessionId });
    input.focus();
  }

  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && floating) {
      event.preventDefault();
      setOpen(false, true);
    }
  });

  // ---- start ------------------------------------------------------------------------------

  function start() {
    const style = el("link", { rel: "stylesheet", href: config.css });
    host.style.visibility = "hidden"; // no flash of unstyled widget
    const show = () => { host.style.visibility = ""; };
    style.addEventListener("load", show);
    style.addEventListener("error", show);
    root.prepend(style);
    renderAll();
    setOpen(floating ? Boolean(state.open) : true, false);
    const mount = config.target ? document.querySelector(config.target) : null;
    (mount || document.body).append(host);
    log.scrollTop = log.scrollHeight;
    connectSocket();
  }

  window.TidligIndsatsChat = {
    open: () => setOpen(true, true),
    close: () => setOpen(false, false),
    restart,
    get sessionId() { return state.sessionId; },
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
