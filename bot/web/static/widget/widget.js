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
  // the safety screen's answers, as the server marks them (custom: {alarm: ...})
  var ALARMS = ["emergency", "crisis"];
  var URLS = /https:\/\/[^\s<>"']+/g;
  // 911, 988, North American numbers written with separators, and +E.164 numbers; not
  // bare digits, so pain scores, dates, times and booking references stay text. The
  // first group is the character before the number (no lookbehind: older Safari).
  var PHONES = /(^|[^\w+\/:.,-])((?:\+1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}|\+\d{8,15}|911|988)(?![\w\/:-]|[.,]\d)/g;

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

  function plain(text) { return document.createTextNode(text); }

  /* ``text`` with each match of ``pattern`` replaced by the link ``link(match)`` makes,
   * as [start, end, node]; the text in between goes through ``between``. */
  function spliced(text, pattern, link, between) {
    var out = document.createDocumentFragment();
    var last = 0;
    var match;
    pattern.lastIndex = 0;
    while ((match = pattern.exec(text))) {
      var made = link(match);
      out.appendChild(between(text.slice(last, made[0])));
      out.appendChild(made[2]);
      last = pattern.lastIndex = made[1];
    }
    out.appendChild(between(text.slice(last)));
    return out;
  }

  function digits(phone) { return phone.replace(/[^+\d]/g, ""); }

  /* The clinic's own number gets the E.164 link the server made for it. */
  function telHref(phone) {
    var number = digits(phone);
    return config.phone_href && number === digits(config.phone) ? config.phone_href : "tel:" + number;
  }

  function withPhones(text) {
    return spliced(text, PHONES, function (match) {
      var start = match.index + match[1].length;
      var link = el("a", { href: telHref(match[2]), class: "sw-tel" }, match[2]);
      return [start, start + match[2].length, link];
    }, plain);
  }

  /* Text with https links and phone numbers made links; anything else stays plain text. */
  function linkified(text) {
    return spliced(text, URLS, function (match) {
      var url = match[0].replace(/[.,;:!?)]+$/, "");
      var link = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, url);
      return [match.index, match.index + url.length, link];
    }, withPhones);
  }

  function phoneLink() {
    return el("a", { href: config.phone_href || "tel:" + digits(config.phone), class: "sw-phone" }, config.phone);
  }

  /* A tap (touch or pen), as opposed to a key press or a mouse click. */
  function tapped(event) {
    if (!event || event.detail === 0) return false; // Enter or Space
    if (event.pointerType) return event.pointerType !== "mouse";
    return window.matchMedia("(pointer: coarse)").matches;
  }

  /* Where focus goes once a button has done its job (and may be gone): the text box,
   * except after a tap, when focusing it would open the phone's keyboard over the
   * conversation and the next buttons; then the conversation itself. */
  function settleFocus(event) {
    if (tapped(event)) ui.log.focus({ preventScroll: true });
    else ui.input.focus();
  }

  function build() {
    var host = el("div", { id: "spine-chat-widget" });
    var root = ui.root = host.attachShadow({ mode: "open" });
    var css = el("link", { rel: "stylesheet", href: new URL("widget.css", base).href });
    css.addEventListener("load", keepScroll);
    root.appendChild(css);
    var wrap = el("div", { class: "sw" });
    ui.launcher = el("button", { type: "button", class: "sw-launcher", "aria-expanded": "false", "aria-controls": "sw-panel" }, "Chat with our assistant");
    ui.panel = el("section", { id: "sw-panel", class: "sw-panel", "aria-labelledby": "sw-title", hidden: "" });
    var head = el("header", { class: "sw-head" });
    head.appendChild(el("h2", { id: "sw-title" }, "Ask our assistant"));
    ui.close = el("button", { type: "button", class: "sw-close", "aria-label": "Close chat" }, "×");
    head.appendChild(ui.close);
    ui.phone = el("p", { class: "sw-call" });
    ui.log = el("div", { class: "sw-log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
    ui.form = el("form", { class: "sw-form" });
    var top = el("div", { class: "sw-top" });
    top.appendChild(el("label", { for: "sw-input" }, "Your message"));
    ui.typing = el("p", { class: "sw-typing", role: "status" });
    top.appendChild(ui.typing);
    ui.form.appendChild(top);
    var row = el("div", { class: "sw-row" });
    ui.input = el("input", { id: "sw-input", type: "text", autocomplete: "off", maxlength: "1000" });
    row.appendChild(ui.input);
    row.appendChild(el("button", { type: "submit", class: "sw-send" }, "Send"));
    ui.clear = el("button", { type: "button", class: "sw-clear" }, "End chat and clear");
    row.appendChild(ui.clear);
    ui.form.appendChild(row);
    [head, ui.phone, ui.log, ui.form].forEach(function (n) { ui.panel.appendChild(n); });
    wrap.appendChild(ui.panel);
    wrap.appendChild(ui.launcher);
    root.appendChild(wrap);
    document.body.appendChild(host);

    ui.launcher.addEventListener("click", function (event) { setOpen(!state.open, event); });
    ui.close.addEventListener("click", function (event) { setOpen(false, event); });
    ui.clear.addEventListener("click", askToClear);
    ui.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); setOpen(false, event); }
      else if (event.key === "Tab" && window.matchMedia(SMALL).matches) wrapFocus(event);
    });
    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = ui.input.value.trim();
      if (!text) return;
      ui.input.value = "";
      say(text, text, null);
    });
    // a phone's keyboard, a turned screen or the phone line appearing: keep the same place
    if (window.ResizeObserver) new ResizeObserver(keepScroll).observe(ui.log);
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
    ui.phone.appendChild(plain("To talk to a person: "));
    ui.phone.appendChild(phoneLink());
    ui.phone.appendChild(plain(". In an emergency call "));
    ui.phone.appendChild(withPhones("911."));
  }

  /* ``event``: what opened or closed it, to move focus (none when a reload restores it). */
  function setOpen(open, event) {
    state.open = open;
    save();
    ui.panel.hidden = !open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      if (!state.messages.length) send("/greet", null, null);
      if (event) settleFocus(event);
      keepScroll();
    } else {
      closeConfirm();
      if (event) ui.launcher.focus();
    }
  }

  /* Show the start of ``node`` (the first of the new replies), or with none the end of the
   * conversation; kept when the layout changes (keepScroll). */
  function scrollTo(node) {
    ui.anchor = node || null;
    keepScroll();
  }

  function keepScroll() {
    var node = ui.anchor;
    if (!node || !node.isConnected) { ui.log.scrollTop = ui.log.scrollHeight; return; }
    var gap = parseFloat(getComputedStyle(ui.log).paddingTop) || 0;
    ui.log.scrollTop += node.getBoundingClientRect().top - ui.log.getBoundingClientRect().top - gap;
  }

  /* ``fresh``: just received, so an alarm is announced at once (a restored one is not
   * announced again). */
  function bubble(message, fresh) {
    var alarm = message.who === "bot" && ALARMS.indexOf(message.alarm) >= 0;
    var node = el("div", { class: "sw-msg sw-" + message.who + (alarm ? " sw-alarm" : "") });
    if (alarm && fresh) node.setAttribute("role", "alert");
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
    state.messages.forEach(function (message) {
      var node = bubble(message, false);
      ui.log.appendChild(node);
      if (message.unsent) markUndelivered({ message: message, node: node });
    });
    showChoices(state.messages[state.messages.length - 1]);
    scrollTo(null);
  }

  function choices(message) {
    var group = el("div", { class: "sw-choices", role: "group", "aria-label": "Suggested replies" });
    message.buttons.forEach(function (button) {
      var choice = el("button", { type: "button", class: "sw-choice" }, button.title);
      choice.addEventListener("click", function (event) {
        settleFocus(event); // the buttons go away: keep focus in the widget
        say(button.title, button.payload, button.title);
      });
      group.appendChild(choice);
    });
    return group;
  }

  /* Append one message: the live region announces just this one. */
  function add(message, fresh) {
    state.messages.push(message);
    save();
    if (ui.choices) { ui.choices.remove(); ui.choices = null; }
    var node = bubble(message, fresh);
    ui.log.appendChild(node);
    showChoices(message);
    return node;
  }

  /* The visitor's words are shown; ``payload`` is what Rasa receives. */
  function say(shown, payload, buttonTitle) {
    var message = { who: "you", text: shown };
    var node = add(message, true);
    scrollTo(null);
    send(payload, buttonTitle, { message: message, node: node });
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

  /* ``mine``: the visitor's message and its bubble (none for the greeting). */
  function send(payload, buttonTitle, mine) {
    var body = JSON.stringify({ sender: state.sender, message: payload, metadata: metadata(buttonTitle) });
    state.consent = null;
    save();
    queue(body, mine);
  }

  /* One message at a time, in the order sent or retried. */
  function queue(body, mine) {
    busy = busy.then(function () { return post(body, mine); }).catch(function () { /* shown */ });
  }

  function post(body, mine) {
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
      if (mine) { delete mine.message.unsent; save(); }
      receive(Array.isArray(replies) ? replies : []);
    }).catch(function (error) {
      var tooFast = error && error.status === 429;
      if (mine) {
        mine.message.unsent = body;
        save();
        markUndelivered(mine);
      }
      showError(tooFast, mine ? null : function () { queue(body, null); });
    }).then(function () {
      clearTimeout(timer);
      ui.typing.textContent = "";
    });
  }

  /* The replies to one message, shown from the start of the first. A custom payload
   * follows the text it belongs to: a consent question's is kept for the answer's
   * metadata, an alarm's marks its message. */
  function receive(replies) {
    var shown = [];
    replies.forEach(function (reply) {
      if (!reply) return;
      if (typeof reply.text === "string" && reply.text) {
        var buttons = (reply.buttons || []).filter(function (b) {
          return b && typeof b.title === "string" && typeof b.payload === "string";
        }).map(function (b) { return { title: b.title, payload: b.payload }; });
        shown.push({ who: "bot", text: reply.text, buttons: buttons });
      }
      var custom = reply.custom;
      if (!custom) return;
      if (typeof custom.consent_question === "string") { state.consent = custom; save(); }
      if (ALARMS.indexOf(custom.alarm) >= 0 && shown.length) shown[shown.length - 1].alarm = custom.alarm;
    });
    var first = null;
    shown.forEach(function (message) {
      var node = add(message, true);
      first = first || node;
    });
    if (first) scrollTo(first);
  }

  /* "Not delivered" and a Retry of its own, after the visitor's message; the live region
   * announces it. Retrying sends the same message again, in turn. */
  function markUndelivered(mine) {
    if (!mine.node.isConnected) return; // the chat was cleared meanwhile
    var mark = el("p", { class: "sw-unsent" }, "Not delivered - ");
    var retry = el("button", { type: "button", class: "sw-retry", "aria-label": "Retry: " + mine.message.text.slice(0, 80) }, "Retry");
    retry.addEventListener("click", function (event) {
      settleFocus(event);
      mark.remove();
      queue(mine.message.unsent, mine);
    });
    mark.appendChild(retry);
    ui.log.insertBefore(mark, mine.node.nextSibling);
  }

  /* ``tooFast``: the server refused the message (429): too many in a short time.
   * ``retry``: for a message with no bubble to mark (the greeting), a "Try again". */
  function showError(tooFast, retry) {
    clearError();
    var box = el("div", { class: "sw-error", role: "alert" });
    box.appendChild(plain(tooFast
      ? "That was a lot of messages in a short time: please wait a few seconds, then try again. "
      : "Sorry, the assistant isn't answering right now. "));
    if (config.phone) {
      box.appendChild(plain("You can call "));
      box.appendChild(phoneLink());
      box.appendChild(plain(". "));
    }
    if (retry) {
      var button = el("button", { type: "button", class: "sw-retry" }, "Try again");
      button.addEventListener("click", function (event) { settleFocus(event); retry(); });
      box.appendChild(button);
    } else {
      box.appendChild(plain("Use Retry beside a message that was not delivered to send it again."));
    }
    ui.error = box;
    ui.panel.insertBefore(box, ui.form);
  }

  function clearError() {
    if (ui.error) { ui.error.remove(); ui.error = null; }
  }

  /* "End chat and clear" asks first, inline: focus goes to the choice that keeps the
   * chat, and Escape or "Keep chatting" return to the button. */
  function askToClear() {
    if (ui.confirm) { ui.confirm.querySelector(".sw-keep").focus(); return; }
    var box = ui.confirm = el("div", { class: "sw-confirm", role: "group", "aria-labelledby": "sw-ask" });
    box.appendChild(el("p", { id: "sw-ask" }, "End this chat and clear it from this browser?"));
    var yes = el("button", { type: "button", class: "sw-end" }, "Yes, end and clear");
    var keep = el("button", { type: "button", class: "sw-keep" }, "Keep chatting");
    yes.addEventListener("click", function () { closeConfirm(); clearChat(); });
    keep.addEventListener("click", function () { closeConfirm(); ui.clear.focus(); });
    box.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      event.preventDefault();
      event.stopPropagation();
      keep.click();
    });
    box.appendChild(yes);
    box.appendChild(keep);
    ui.panel.appendChild(box);
    keep.focus();
  }

  function closeConfirm() {
    if (ui.confirm) { ui.confirm.remove(); ui.confirm = null; }
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
    if (state.open) setOpen(true, null);
    fetch(new URL("widget/config.json", base).href).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (loaded) {
      if (!loaded) return;
      Object.keys(config).forEach(function (k) { if (loaded[k]) config[k] = String(loaded[k]); });
      showPhone();
      keepScroll();
    }).catch(function () { /* the data attributes, if any, stay */ });
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
