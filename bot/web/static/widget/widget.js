/* The clinic's chat widget: one <script src=".../widget.js" data-rasa-url="..." defer>
 * on any page. Talks to Rasa's REST channel; keeps the conversation in sessionStorage;
 * everything the assistant says is inserted as text, never as HTML. No dependencies. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.spineChatWidget) return;
  window.spineChatWidget = true;

  var base = new URL(script.src, location.href);
  var rasaUrl = (script.getAttribute("data-rasa-url") || "").replace(/\/+$/, "");
  var KEY = "spine-chat:" + rasaUrl;
  var TIMEOUT_MS = 20000;
  var config = {
    clinic_name: script.getAttribute("data-clinic-name") || "the clinic",
    phone: script.getAttribute("data-clinic-phone") || "",
    phone_href: ""
  };
  var state = load();
  var busy = Promise.resolve();
  var ui = {};
  var SMALL = "(max-width: 480px), (max-height: 560px)";

  function newSender() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
      if (saved && typeof saved.sender === "string" && Array.isArray(saved.messages)) return saved;
    } catch (e) { /* storage off or corrupt: start afresh */ }
    return { sender: newSender(), messages: [], open: false, consent: null };
  }

  function save() {
    try { sessionStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  /* Text with https links made clickable; anything else stays plain text. */
  function linkified(text) {
    var out = document.createDocumentFragment();
    var pattern = /https:\/\/[^\s<>"']+/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text))) {
      var url = match[0].replace(/[.,;:!?)]+$/, "");
      out.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, url);
      out.appendChild(link);
      last = match.index + url.length;
      pattern.lastIndex = last;
    }
    out.appendChild(document.createTextNode(text.slice(last)));
    return out;
  }

  function phoneLink(label) {
    var link = el("a", { href: config.phone_href || "tel:" + config.phone.replace(/[^+\d]/g, ""), class: "sw-phone" });
    link.textContent = label + config.phone;
    return link;
  }

  function build() {
    var host = el("div", { id: "spine-chat-widget" });
    var root = ui.root = host.attachShadow({ mode: "open" });
    root.appendChild(el("link", { rel: "stylesheet", href: new URL("widget.css", base).href }));
    var wrap = el("div", { class: "sw" });
    ui.launcher = el("button", { type: "button", class: "sw-launcher", "aria-expanded": "false", "aria-controls": "sw-panel" }, "Chat with our assistant");
    ui.panel = el("section", { id: "sw-panel", class: "sw-panel", "aria-labelledby": "sw-title", hidden: "" });
    var head = el("header", { class: "sw-head" });
    head.appendChild(el("h2", { id: "sw-title" }, "Ask our assistant"));
    ui.close = el("button", { type: "button", class: "sw-close", "aria-label": "Close chat" }, "×");
    head.appendChild(ui.close);
    ui.phone = el("p", { class: "sw-call" });
    ui.log = el("div", { class: "sw-log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
    ui.typing = el("p", { class: "sw-typing", role: "status" });
    ui.form = el("form", { class: "sw-form" });
    ui.form.appendChild(el("label", { for: "sw-input" }, "Your message"));
    var row = el("div", { class: "sw-row" });
    ui.input = el("input", { id: "sw-input", type: "text", autocomplete: "off", maxlength: "1000" });
    row.appendChild(ui.input);
    row.appendChild(el("button", { type: "submit", class: "sw-send" }, "Send"));
    ui.form.appendChild(row);
    ui.clear = el("button", { type: "button", class: "sw-clear" }, "End chat and clear");
    [head, ui.phone, ui.log, ui.typing, ui.form, ui.clear].forEach(function (n) { ui.panel.appendChild(n); });
    wrap.appendChild(ui.panel);
    wrap.appendChild(ui.launcher);
    root.appendChild(wrap);
    document.body.appendChild(host);

    ui.launcher.addEventListener("click", function () { setOpen(!state.open, true); });
    ui.close.addEventListener("click", function () { setOpen(false, true); });
    ui.clear.addEventListener("click", clearChat);
    ui.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); setOpen(false, true); }
      else if (event.key === "Tab" && window.matchMedia(SMALL).matches) wrapFocus(event);
    });
    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = ui.input.value.trim();
      if (!text) return;
      ui.input.value = "";
      say(text, text, null);
    });
  }

  /* When the panel fills the screen, the page behind it can't be seen: Tab cycles
   * within the panel, as in a dialog; Escape or "Close chat" leave it. */
  function wrapFocus(event) {
    var items = Array.prototype.filter.call(
      ui.panel.querySelectorAll("button, a[href], input, [tabindex='0']"),
      function (node) { return !node.disabled && node.getClientRects().length; });
    if (!items.length) return;
    var first = items[0];
    var last = items[items.length - 1];
    var active = ui.root.activeElement;
    if (event.shiftKey && active === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && active === last) { event.preventDefault(); first.focus(); }
  }

  function showPhone() {
    ui.phone.textContent = "";
    if (!config.phone) return;
    ui.phone.appendChild(document.createTextNode("To talk to a person: "));
    ui.phone.appendChild(phoneLink(""));
    ui.phone.appendChild(document.createTextNode(". In an emergency call 911."));
  }

  function setOpen(open, moveFocus) {
    state.open = open;
    save();
    ui.panel.hidden = !open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      if (!state.messages.length) send("/greet", null);
      if (moveFocus) ui.input.focus();
      scrollDown();
    } else if (moveFocus) {
      ui.launcher.focus();
    }
  }

  function scrollDown() { ui.log.scrollTop = ui.log.scrollHeight; }

  function bubble(message) {
    var node = el("div", { class: "sw-msg sw-" + message.who });
    node.appendChild(el("span", { class: "sw-who" }, message.who === "bot" ? "Assistant: " : "You: "));
    var body = el("span", { class: "sw-text" });
    body.appendChild(linkified(message.text || ""));
    node.appendChild(body);
    return node;
  }

  /* Quick replies belong to the latest message only: older ones are taken away. */
  function showChoices(message) {
    if (ui.choices) { ui.choices.remove(); ui.choices = null; }
    if (message && message.who === "bot" && message.buttons && message.buttons.length) {
      ui.choices = choices(message);
      ui.log.appendChild(ui.choices);
    }
  }

  /* The whole conversation, once, when the page loads. */
  function render() {
    ui.log.textContent = "";
    ui.choices = null;
    state.messages.forEach(function (message) { ui.log.appendChild(bubble(message)); });
    showChoices(state.messages[state.messages.length - 1]);
    scrollDown();
  }

  function choices(message) {
    var group = el("div", { class: "sw-choices", role: "group", "aria-label": "Suggested replies" });
    message.buttons.forEach(function (button) {
      var choice = el("button", { type: "button", class: "sw-choice" }, button.title);
      choice.addEventListener("click", function () {
        ui.input.focus(); // the buttons go away: keep the keyboard in the widget
        say(button.title, button.payload, button.title);
      });
      group.appendChild(choice);
    });
    return group;
  }

  /* Append one message: the live region announces just this one. */
  function add(message) {
    state.messages.push(message);
    save();
    if (ui.choices) { ui.choices.remove(); ui.choices = null; }
    ui.log.appendChild(bubble(message));
    showChoices(message);
    scrollDown();
  }

  /* The visitor's words are shown; ``payload`` is what Rasa receives. */
  function say(shown, payload, buttonTitle) {
    add({ who: "you", text: shown });
    send(payload, buttonTitle);
  }

  /* The page, and for the answer to a consent question, which question, which notice
   * and what the visitor chose (the button's title, or "typed"). */
  function metadata(buttonTitle) {
    var data = { page: location.pathname };
    if (state.consent) {
      data.consent = {
        question: state.consent.consent_question,
        notice_version: state.consent.notice_version || null,
        answer: buttonTitle || "typed"
      };
    }
    return data;
  }

  function send(payload, buttonTitle) {
    var body = JSON.stringify({ sender: state.sender, message: payload, metadata: metadata(buttonTitle) });
    state.consent = null;
    save();
    busy = busy.then(function () { return post(body); });
  }

  function post(body) {
    clearError();
    ui.typing.textContent = "Assistant is typing…";
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    return fetch(rasaUrl + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: body,
      signal: controller.signal
    }).then(function (response) {
      if (!response.ok) {
        var failed = new Error("status " + response.status);
        failed.status = response.status;
        throw failed;
      }
      return response.json();
    }).then(function (replies) {
      (Array.isArray(replies) ? replies : []).forEach(receive);
    }).catch(function (error) {
      showError(body, error && error.status === 429);
    }).then(function () {
      clearTimeout(timer);
      ui.typing.textContent = "";
    });
  }

  function receive(reply) {
    if (reply.custom && typeof reply.custom.consent_question === "string") {
      state.consent = reply.custom;
      save();
      return;
    }
    if (typeof reply.text !== "string" || !reply.text) return;
    var buttons = (reply.buttons || []).filter(function (b) {
      return b && typeof b.title === "string" && typeof b.payload === "string";
    }).map(function (b) { return { title: b.title, payload: b.payload }; });
    add({ who: "bot", text: reply.text, buttons: buttons });
  }

  /* ``tooFast``: the server refused the message (429): too many in a short time. */
  function showError(body, tooFast) {
    clearError();
    var box = el("div", { class: "sw-error", role: "alert" });
    var first = tooFast
      ? "That was a lot of messages in a short time: please wait a few seconds, then try again. "
      : "Sorry, the assistant isn't answering right now. ";
    box.appendChild(document.createTextNode(first +
      (config.phone ? "You can call " : "Please try again in a moment.")));
    if (config.phone) {
      box.appendChild(phoneLink(""));
      box.appendChild(document.createTextNode(". "));
    }
    var retry = el("button", { type: "button", class: "sw-retry" }, "Try again");
    retry.addEventListener("click", function () {
      busy = busy.then(function () { return post(body); });
      ui.input.focus();
    });
    box.appendChild(retry);
    ui.error = box;
    ui.panel.insertBefore(box, ui.form);
  }

  function clearError() {
    if (ui.error) { ui.error.remove(); ui.error = null; }
  }

  function clearChat() {
    try { sessionStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
    state = { sender: newSender(), messages: [], open: false, consent: null };
    clearError();
    render();
    setOpen(false, true);
  }

  function start() {
    build();
    showPhone();
    render();
    if (state.open) setOpen(true, false);
    fetch(new URL("widget/config.json", base).href).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (loaded) {
      if (!loaded) return;
      Object.keys(config).forEach(function (k) { if (loaded[k]) config[k] = String(loaded[k]); });
      showPhone();
    }).catch(function () { /* the data attributes, if any, stay */ });
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
