"""The website chat widget (bot/web/static/widget) in headless Chromium, on the demo page
of the real web app, talking to the real Rasa and action servers (the session ``servers``
fixture), as a visitor would use it: by mouse, by keyboard only, with Rasa down, through
axe-core (vendored in tests/browser/vendor), at small and zoomed viewports, and with a
hostile reply from the server. Where a behaviour depends on the screen, it is checked on a
phone-sized and on a desktop viewport (``SCREENS``).

The widget lives in an open shadow root; Playwright's CSS and role locators pierce it.
Each test has a context of its own, so sessionStorage starts empty.
"""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest

from bot.settings import Settings
from tests.browser.conftest import AXE, TIMEOUT_MS, axe_violations, described, expect, sign_in
from tests.live import expected
from tests.visitors import add_review_slots, bot

HOW_LONG = "how long do antidepressants take to work for back pain"
RED_FLAG = "I suddenly can't control my bladder and my legs are numb"
SCAN_VISITOR = "i have a herniated disc in my lower back"
CRISIS = "i keep thinking everyone would be better off without me"
# a phone and a desktop, as (width, height)
SCREENS = pytest.mark.parametrize("screen", [(375, 740), (1280, 800)], ids=["phone", "desktop"])
PASSWORD = "quiet harbour 42 lantern"
# the shadow root's focused element, as a short description ("" when focus is elsewhere)
FOCUSED = """() => {
  const host = document.querySelector('#spine-chat-widget');
  const inside = host && host.shadowRoot && host.shadowRoot.activeElement;
  if (!inside) return '';
  return inside.id ? '#' + inside.id : '.' + inside.className + ':' + inside.textContent;
}"""
# the focused page element hidden behind the widget, as HTML ("" when none is)
OBSCURED = """() => {
  const host = document.querySelector('#spine-chat-widget');
  const focused = document.activeElement;
  if (!focused || focused === host || focused === document.body) return '';
  const box = focused.getBoundingClientRect();
  const seen = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return seen === host ? focused.outerHTML : '';
}"""
STORED = """() => {
  const keys = Object.keys(sessionStorage).filter((k) => k.startsWith('spine-chat:'));
  return keys.length === 1 ? JSON.parse(sessionStorage.getItem(keys[0])) : keys;
}"""


# a herniated-disc visitor from the intake to the contact time: (the question the
# assistant asks, the answer: a button title to choose or text to type)
BOOKING_STEPS = [
    ("Does the pain spread into a leg or an arm?", ("choose", "No, it stays put")),
    ("How long have you had this pain?", ("choose", "More than 3 months")),
    ("How bad is the pain right now", ("choose", "6")),
    ("Do you have any numbness, tingling or weakness?", ("choose", "None of these")),
    ("Have you had a scan of your spine", ("choose", "MRI")),
    ("Roughly when was your scan done?", ("type", "last year")),
    ("What have you tried for it so far?", ("choose", "Physical therapy")),
    ("Here is what I noted:", ("choose", "Yes, that's right")),
    ("Before I take any details", ("choose", "I agree")),
    # the name question offers the call/text opt-in beside it as buttons
    (
        "And may they contact you by phone call or text message?",
        ("choose", "Yes, call or text is fine"),
    ),
    ("What name should the team use", ("type", "Ana Test")),
    ("What's the best phone number", ("type", "(312) 555-0142")),
    ("How would you like the team to contact you?", ("choose", "A phone call")),
    ("When is the best time to reach you?", ("choose", "Morning")),
]


@pytest.fixture(scope="module", autouse=True)
def said(servers, domain, clinic) -> dict[str, str]:
    """The assistant's responses as the widget shows them (the servers and the domain are
    ready before the browser's event loop starts)."""
    names = [
        "utter_greet",
        "utter_faq/how_long",
        "utter_emergency",
        "utter_crisis",
        "utter_intake_start",
        "utter_ask_consent_given",
    ]
    return {name: expected(domain, clinic, name) for name in names}


@pytest.fixture
def new_page(browser) -> Iterator[Callable[..., object]]:
    """Pages in fresh contexts with options of their own (viewport, bypass_csp), closed
    after the test."""
    contexts = []

    def make(**options: object) -> object:
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


class Chat:
    """The widget on a page, as a visitor sees it."""

    def __init__(self, page) -> None:
        self.page = page
        self.launcher = page.get_by_role("button", name="Chat with our assistant")
        # the same button found when hidden too (small screens hide it while the panel is open)
        self.toggle = page.locator(".sw-launcher")
        self.panel = page.locator("#sw-panel")
        self.log = page.get_by_role("log", name="Conversation")
        self.messages = self.log.locator(".sw-msg")
        self.input = page.get_by_role("textbox", name="Your message")
        self.send_button = page.get_by_role("button", name="Send", exact=True)
        self.choices = page.get_by_role("group", name="Suggested replies")

    @classmethod
    def visit(cls, page, settings: Settings) -> Chat:
        page.goto(f"{settings.web_url}/")
        chat = cls(page)
        expect(chat.toggle).to_have_attribute("aria-expanded", "false")
        return chat

    def open(self, greeting: str) -> None:
        self.launcher.click()
        expect(self.toggle).to_have_attribute("aria-expanded", "true")
        expect(self.panel).to_be_visible()
        self.replied(greeting)

    def replied(self, text: str) -> None:
        """Wait until the assistant's latest message contains ``text``."""
        last = self.messages.last
        expect(last).to_contain_text(text)
        expect(last).to_have_class(re.compile(r"\bsw-bot\b"))

    def type(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")
        expect(self.log.locator(".sw-you").last).to_have_text(f"You: {text}")

    def choose(self, title: str) -> None:
        self.choices.get_by_role("button", name=title, exact=True).click()
        expect(self.log.locator(".sw-you").last).to_have_text(f"You: {title}")

    def stored(self) -> dict:
        state = self.page.evaluate(STORED)
        assert isinstance(state, dict), f"expected one spine-chat: key, found {state}"
        return state


def _bot_text(chat: Chat, text: str):
    """The assistant's messages that start like ``text`` (assert the whole text on it)."""
    return chat.log.locator(".sw-bot .sw-text").filter(has_text=text[:60])


def test_the_demo_page_points_the_widget_at_the_test_rasa(servers, page):
    page.goto(f"{servers.web_url}/")
    script = page.locator('script[src="/widget.js"]')
    expect(script).to_have_attribute("data-rasa-url", "http://127.0.0.1:15005")
    assert servers.rasa_url == "http://127.0.0.1:15005"


def test_ask_a_question_and_read_the_answer(servers, said, page):
    chat = Chat.visit(page, servers)
    expect(chat.panel).to_be_hidden()
    chat.open("not a doctor")
    greeting = chat.messages.first
    expect(greeting).to_contain_text("911")
    expect(greeting.locator(".sw-who")).to_have_text("Assistant:")
    expect(greeting.locator(".sw-text")).to_have_text(said["utter_greet"])
    expect(chat.input).to_be_focused()

    chat.type(HOW_LONG)
    answer = _bot_text(chat, said["utter_faq/how_long"])
    expect(answer).to_have_text(said["utter_faq/how_long"])  # not the fallback
    expect(chat.log).to_contain_text("It often takes 2 to 4 weeks")
    expect(page.get_by_role("alert")).to_have_count(0)


@SCREENS
@pytest.mark.parametrize(
    ("message", "response", "number"),
    [(RED_FLAG, "utter_emergency", "911"), (CRISIS, "utter_crisis", "988")],
    ids=["emergency", "crisis"],
)
def test_an_alarm_gets_its_answer_as_an_alert_with_numbers_to_tap(
    servers, said, clinic, new_page, screen, message, response, number
):
    """The safety screen's answer is marked by the server (domain.yml's ``custom: alarm``),
    not guessed from its text: it alone is an alert, with its own style, and its phone
    numbers are tel: links; after a reload it keeps its style."""
    page = new_page(viewport=_viewport(screen))
    chat = Chat.visit(page, servers)
    chat.open("not a doctor")
    expect(chat.log.get_by_role("alert")).to_have_count(0)  # the greeting says 911 too
    chat.type(message)
    answer = _bot_text(chat, said[response])
    expect(answer).to_have_text(said[response])
    alarm = chat.log.get_by_role("alert")
    expect(alarm).to_have_count(1)
    expect(alarm).to_have_class(re.compile(r"\bsw-alarm\b"))
    expect(alarm).to_contain_text(said[response])
    expect(alarm.get_by_role("link", name=number).first).to_have_attribute("href", f"tel:{number}")
    colours = alarm.evaluate(
        "(node) => [getComputedStyle(node).backgroundColor, getComputedStyle(node).borderLeftWidth]"
    )
    greeting = chat.messages.first.evaluate("(node) => getComputedStyle(node).backgroundColor")
    assert colours[0] != greeting and colours[1] == "8px", colours
    if clinic.phone in said[response]:
        expect(alarm.get_by_role("link", name=clinic.phone)).to_have_attribute(
            "href", re.compile(r"^tel:\+1\d{10}$")
        )
    assert [m.get("alarm") for m in chat.stored()["messages"] if m["who"] == "bot"] == [
        None,
        response.removeprefix("utter_"),
    ]

    page.reload()
    expect(chat.log.locator(".sw-alarm")).to_have_count(1)
    expect(chat.log.locator(".sw-alarm")).to_contain_text(said[response])


def test_a_reload_keeps_the_conversation(servers, said, page):
    chat = Chat.visit(page, servers)
    chat.open("not a doctor")
    chat.type(HOW_LONG)
    expect(_bot_text(chat, said["utter_faq/how_long"])).to_have_count(1)
    chat.type("thanks")
    chat.replied("")  # the assistant answered the second turn
    before = chat.messages.all_inner_texts()
    sender = chat.stored()["sender"]
    assert re.fullmatch(r"[0-9a-f]{32}", sender)

    page.reload()
    chat = Chat(page)
    expect(chat.panel).to_be_visible()
    expect(chat.toggle).to_have_attribute("aria-expanded", "true")
    expect(chat.messages).to_have_text(before)
    stored = chat.stored()
    assert stored["sender"] == sender and stored["open"] is True
    assert [m["text"] for m in stored["messages"]][1] == HOW_LONG
    # no second greeting, and the same conversation goes on
    chat.type("how long do antidepressants take to work")
    expect(_bot_text(chat, said["utter_faq/how_long"])).to_have_count(2)
    assert chat.stored()["sender"] == sender


def _user_events(settings: Settings, sender: str) -> list[dict]:
    with sqlite3.connect(settings.tracker_store_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
            (sender,),
        ).fetchall()
    return [json.loads(data) for (data,) in rows]


def test_a_visitor_books_a_scan_review_by_buttons_and_typing(servers, said, browser, page):
    add_review_slots(servers)
    chat = Chat.visit(page, servers)
    visited = urlsplit(page.url).path  # the widget sends the page's path with each message
    chat.open("not a doctor")
    sender = chat.stored()["sender"]

    chat.type(SCAN_VISITOR)
    expect(_bot_text(chat, said["utter_intake_start"])).to_have_count(1)
    for question, (how, answer) in BOOKING_STEPS:
        chat.replied(question)
        if how == "choose":
            chat.choose(answer)
        else:
            chat.type(answer)
    expect(_bot_text(chat, said["utter_ask_consent_given"])).to_have_count(1)
    expect(chat.log).to_contain_text("Thank you, Ana Test.")
    chat.replied("Choose one, or ask for other times")
    first = chat.choices.get_by_role("button").first
    slot = first.inner_text()
    assert re.fullmatch(r"\w{3} \d{1,2} \w{3}, \d{1,2}:\d{2} [AP]M", slot), slot
    first.click()
    expect(chat.log.locator(".sw-you").last).to_have_text(f"You: {slot}")
    chat.replied("You're booked for a scan review on ")
    booked = chat.messages.last.inner_text()
    reference = re.search(r"Your reference is (\S+)\.\s", booked)
    assert reference, booked
    expect(chat.choices.get_by_role("button", name="Cancel it")).to_be_visible()

    # the lead, with its booking, in the leads database
    (lead,) = [
        lead
        for lead in json.loads(bot(servers, "leads", "list", "--json"))
        if lead["conversation_id"] == sender
    ]
    assert lead["name"] == "Ana Test" and lead["phone"] == "+13125550142"
    assert lead["status"] == "booked" and lead["conditions"] == ["herniated_disc"]
    assert lead["source_page"] == visited
    assert [b["reference"] for b in lead["bookings"]] == [reference.group(1)]

    # a staff member finds it in the inbox, in a browser context of their own
    email = f"widget-{uuid.uuid4().hex[:8]}@clinic.example"
    out = bot(servers, "users", "add", email, "--role", "staff", stdin=PASSWORD + "\n")
    assert f"created staff account {email}" in out
    staff_context = browser.new_context()
    staff_context.set_default_timeout(TIMEOUT_MS)
    try:
        staff = staff_context.new_page()
        sign_in(staff, servers.web_url, email, PASSWORD)
        link = staff.get_by_role("link", name=f"#{lead['id']}", exact=True)
        row = staff.locator("table.leads tbody tr").filter(has=link)
        expect(row).to_contain_text("Ana Test")
        expect(row).to_contain_text("Booked")
        expect(row).to_contain_text("herniated disc")
        link.click()
        expect(staff.get_by_role("heading", level=1)).to_have_text(f"Lead #{lead['id']}: Ana Test")
        expect(staff.get_by_role("region", name="Conversation")).to_contain_text(SCAN_VISITOR)
        expect(staff.locator("main")).to_contain_text(f"reference {reference.group(1)}")
    finally:
        staff_context.close()

    # the consent click was sent with the question it answers, and the page
    events = _user_events(servers, sender)
    consents = [
        e["metadata"]
        for e in events
        if isinstance(e.get("metadata"), dict) and "consent" in e["metadata"]
    ]
    assert consents, [e.get("metadata") for e in events]
    agreed = [m for m in consents if m["consent"].get("question") == "consent_given"]
    assert agreed, f"no user event has metadata.consent.question == 'consent_given': {consents}"
    assert agreed[0]["page"] == "/"
    assert agreed[0]["consent"]["answer"] == "I agree"
    assert agreed[0]["consent"]["notice_version"]


def test_keyboard_only(servers, said, page):
    chat = Chat.visit(page, servers)
    for _ in range(20):
        if page.evaluate(FOCUSED) == ".sw-launcher:Chat with our assistant":
            break
        page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == ".sw-launcher:Chat with our assistant"

    page.keyboard.press("Enter")
    expect(chat.launcher).to_have_attribute("aria-expanded", "true")
    assert page.evaluate(FOCUSED) == "#sw-input"
    chat.replied("not a doctor")
    page.keyboard.type(HOW_LONG)
    page.keyboard.press("Enter")
    # the answer is added to the live region (role=log, aria-live=polite)
    expect(chat.log.locator(".sw-bot .sw-text")).to_contain_text(
        [said["utter_greet"], said["utter_faq/how_long"]]
    )
    expect(chat.log).to_have_attribute("aria-live", "polite")
    assert page.evaluate(FOCUSED) == "#sw-input"

    # a message that gets quick replies; Shift+Tab from the input reaches them
    page.keyboard.type(SCAN_VISITOR)
    page.keyboard.press("Enter")
    chat.replied("Does the pain spread into a leg or an arm?")
    titles = chat.choices.get_by_role("button").all_inner_texts()
    assert titles[-1] == "Skip", titles
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED) == ".sw-choice:Skip"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED) == f".sw-choice:{titles[-2]}"

    # forward: back to the input, then Send, "End chat and clear", the launcher, and out
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "#sw-input"
    forward = []
    for _ in range(4):
        page.keyboard.press("Tab")
        forward.append(page.evaluate(FOCUSED))
    assert forward == [
        ".sw-send:Send",
        ".sw-clear:End chat and clear",
        ".sw-launcher:Chat with our assistant",
        "",  # focus left the widget: no trap
    ], forward
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED) == ".sw-launcher:Chat with our assistant"
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED) == "#sw-input"

    # Escape closes the panel and gives focus back to the launcher
    page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    expect(chat.launcher).to_have_attribute("aria-expanded", "false")
    assert page.evaluate(FOCUSED) == ".sw-launcher:Chat with our assistant"
    expect(chat.launcher).to_be_focused()


def test_a_quick_reply_chosen_by_keyboard_keeps_focus_in_the_widget(servers, said, page):
    """Choosing a quick reply with Enter must not drop focus to the page's <body>."""
    chat = Chat.visit(page, servers)
    chat.open("not a doctor")
    chat.type(SCAN_VISITOR)
    chat.replied("Does the pain spread into a leg or an arm?")
    chat.choices.get_by_role("button", name="No, it stays put").focus()
    page.keyboard.press("Enter")
    expect(chat.log.locator(".sw-you").last).to_have_text("You: No, it stays put")
    focused = page.evaluate(FOCUSED)
    assert focused, (
        "after a quick reply is chosen by keyboard, focus is on "
        + page.evaluate("() => document.activeElement.tagName")
        + ", outside the widget"
    )


def test_focus_is_not_hidden_behind_the_full_screen_panel(servers, said, new_page):
    """On a small screen the open panel covers the whole page: Tab and Shift+Tab out of it
    must not focus page content hidden behind it (WCAG 2.2 SC 2.4.11)."""
    page = new_page(viewport={"width": 375, "height": 740})
    chat = Chat.visit(page, servers)
    chat.open("not a doctor")
    panel = chat.panel.bounding_box()
    assert panel == {"x": 0, "y": 0, "width": 375, "height": 740}, panel
    hidden = []
    page.get_by_role("button", name="Close chat").focus()
    page.keyboard.press("Shift+Tab")
    hidden.append(page.evaluate(OBSCURED))
    page.get_by_role("button", name="End chat and clear").focus()
    page.keyboard.press("Tab")
    hidden.append(page.evaluate(OBSCURED))
    assert hidden == ["", ""], f"focused behind the open panel (Shift+Tab, Tab): {hidden}"


def test_the_log_only_adds_new_messages(servers, said, page):
    """A live region whose earlier messages are removed and re-inserted on every turn is
    read out again, from the start, by some screen readers: only new ones may be added
    (the quick replies of the last answer may go once the visitor has answered)."""
    chat = Chat.visit(page, servers)
    chat.open("not a doctor")
    page.evaluate(
        """() => {
          const log = document.querySelector('#spine-chat-widget').shadowRoot
            .querySelector('.sw-log');
          window.__removed = 0;
          new MutationObserver((records) => {
            for (const r of records) {
              for (const n of r.removedNodes) {
                if (n.classList && n.classList.contains('sw-msg')) window.__removed += 1;
              }
            }
          }).observe(log, {childList: true});
        }"""
    )
    chat.type(HOW_LONG)
    expect(_bot_text(chat, said["utter_faq/how_long"])).to_have_count(1)
    removed = page.evaluate("() => window.__removed")
    assert removed == 0, f"{removed} nodes were removed from the role=log region in one turn"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _rasa_down(page) -> None:
    """The widget's requests go to a port where nothing listens (refused), until unrouted."""
    down = f"http://127.0.0.1:{_closed_port()}/webhooks/rest/webhook"
    page.route("**/webhooks/rest/webhook", lambda route: route.continue_(url=down))


def test_rasa_down_shows_the_phone_and_a_retry_recovers(servers, said, clinic, page):
    chat = Chat.visit(page, servers)
    chat.open("not a doctor")
    expect(page.locator(".sw-call .sw-phone")).to_have_text(clinic.phone)  # config loaded

    _rasa_down(page)
    chat.type(HOW_LONG)
    alert = page.locator(".sw-error")
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_contain_text("Sorry, the assistant isn't answering right now.")
    expect(alert).to_contain_text(clinic.phone)
    expect(alert.get_by_role("link", name=clinic.phone)).to_have_attribute(
        "href", re.compile(r"^tel:\+?\d+$")
    )
    mark = chat.log.locator(".sw-unsent")
    expect(mark).to_have_text("Not delivered - Retry")
    expect(page.locator(".sw-typing")).to_have_text("")

    page.unroute("**/webhooks/rest/webhook")
    mark.get_by_role("button", name=f"Retry: {HOW_LONG}").click()
    expect(_bot_text(chat, said["utter_faq/how_long"])).to_have_count(1)
    expect(page.locator(".sw-error")).to_have_count(0)
    expect(mark).to_have_count(0)
    # the visitor's message is shown once, not again for the retry
    expect(chat.log.locator(".sw-you")).to_have_count(1)
    assert "unsent" not in chat.stored()["messages"][1]


@SCREENS
def test_every_undelivered_message_has_its_own_retry(servers, said, new_page, screen):
    """Two messages fail: each is marked "Not delivered" with a Retry of its own, in the
    live region, also after a reload; each retry sends its message, and they reach Rasa in
    the order they were retried."""
    page = new_page(viewport=_viewport(screen))
    chat = Chat.visit(page, servers)
    chat.open("not a doctor")
    sender = chat.stored()["sender"]
    _rasa_down(page)
    first, second = HOW_LONG, "how long do antidepressants take to work"
    chat.type(first)
    expect(chat.log.locator(".sw-unsent")).to_have_count(1)
    chat.type(second)
    marks = chat.log.locator(".sw-unsent")
    expect(marks).to_have_count(2)
    expect(marks).to_have_text(["Not delivered - Retry", "Not delivered - Retry"])
    # each mark follows its own message
    expect(chat.log.locator(".sw-you + .sw-unsent")).to_have_count(2)
    retries = chat.log.get_by_role("button", name=re.compile(r"^Retry: "))
    expect(retries).to_have_count(2)
    assert [m.get("unsent") is not None for m in chat.stored()["messages"]] == [
        False,
        True,
        True,
    ]

    page.unroute("**/webhooks/rest/webhook")
    page.reload()
    expect(marks).to_have_count(2)
    chat.log.get_by_role("button", name=f"Retry: {first}", exact=True).click()
    expect(_bot_text(chat, said["utter_faq/how_long"])).to_have_count(1)
    expect(marks).to_have_count(1)
    expect(chat.log.get_by_role("button", name=f"Retry: {second}", exact=True)).to_be_visible()
    chat.log.get_by_role("button", name=f"Retry: {second}", exact=True).click()
    expect(_bot_text(chat, said["utter_faq/how_long"])).to_have_count(2)
    expect(marks).to_have_count(0)
    expect(chat.log.locator(".sw-you")).to_have_count(2)
    texts = [e.get("text") for e in _user_events(servers, sender)]
    assert texts == ["/greet", first, second], texts
    assert not any("unsent" in m for m in chat.stored()["messages"])


def test_axe_finds_no_wcag_violations(servers, new_page):
    # the demo page's CSP forbids inline scripts, so axe needs the CSP bypassed
    page = new_page(bypass_csp=True)
    chat = Chat.visit(page, servers)
    page.add_script_tag(path=str(AXE))
    expect(page.locator(".sw-call .sw-phone")).not_to_have_text("")
    closed = axe_violations(page)

    chat.open("not a doctor")
    chat.type(SCAN_VISITOR)
    chat.replied("Does the pain spread into a leg or an arm?")
    expect(chat.choices.get_by_role("button")).not_to_have_count(0)
    expect(page.locator(".sw-typing")).to_have_text("")
    opened = axe_violations(page)

    assert not closed and not opened, (
        f"launcher closed:\n{described(closed)}\npanel open:\n{described(opened)}"
    )


def _within(box: dict | None, width: float, height: float) -> bool:
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= width
        and box["y"] + box["height"] <= height
    )


def _open_with_reply(page, settings: Settings, said: dict[str, str]) -> Chat:
    chat = Chat.visit(page, settings)
    chat.open("not a doctor")
    chat.type(HOW_LONG)
    expect(_bot_text(chat, said["utter_faq/how_long"])).to_have_count(1)
    expect(page.locator(".sw-typing")).to_have_text("")
    return chat


@pytest.mark.parametrize(("width", "height"), [(375, 740), (1280, 800)])
def test_screenshots_for_review(servers, said, project_root, new_page, width, height):
    page = new_page(viewport={"width": width, "height": height})
    chat = _open_with_reply(page, servers, said)
    for control in (chat.input, chat.send_button):
        assert _within(control.bounding_box(), width, height)
    folder = project_root / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"widget-{width}.png"))


@pytest.mark.parametrize(
    ("width", "height", "scale"),
    [(320, 568, 1), (640, 400, 2)],  # a small phone; 1280x800 at 200% zoom
    ids=["320px", "1280px-at-200%"],
)
def test_small_and_zoomed_viewports_keep_the_chat_usable(
    servers, said, new_page, width, height, scale
):
    """The input and Send fit inside the panel and the screen, and the conversation keeps
    room for a few lines of the reply (4 lines of 16px text at 1.45)."""
    page = new_page(viewport={"width": width, "height": height}, device_scale_factor=scale)
    chat = _open_with_reply(page, servers, said)
    panel = chat.panel.bounding_box()
    assert _within(panel, width, height), panel
    for control in (chat.input, chat.send_button, chat.log):
        box = control.bounding_box()
        assert _within(box, width, height), (control, box)
        # inside the panel, which clips what overflows it
        assert box["y"] >= panel["y"] and box["y"] + box["height"] <= panel["y"] + panel["height"]
    log = chat.log.bounding_box()
    assert log["height"] >= 4 * 16 * 1.45, f"the conversation is {log['height']}px tall"


def test_the_assistants_text_is_never_html(servers, page):
    hostile = "<img src=x onerror=alert(1)>Hi https://example.org/a. and http://insecure.example"
    sent = []
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    def reply(route) -> None:
        sent.append(route.request.post_data_json)
        body = [
            {
                "recipient_id": "x",
                "text": hostile,
                "buttons": [{"title": "<b>x</b>", "payload": "/x"}],
            }
        ]
        route.fulfill(
            status=200,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": "*"},
            body=json.dumps(body),
        )

    page.route("**/webhooks/rest/webhook", reply)
    chat = Chat.visit(page, servers)
    chat.launcher.click()
    text = chat.log.locator(".sw-bot .sw-text").first
    expect(text).to_have_text(hostile)
    counts = page.evaluate(
        """() => {
          const root = document.querySelector('#spine-chat-widget').shadowRoot;
          const all = (tag) =>
            root.querySelectorAll(tag).length + document.querySelectorAll(tag).length;
          return {img: all('img'), b: all('b')};
        }"""
    )
    assert counts == {"img": 0, "b": 0}

    links = text.get_by_role("link")
    expect(links).to_have_count(1)
    link = links.first
    expect(link).to_have_text("https://example.org/a")
    expect(link).to_have_attribute("href", "https://example.org/a")
    expect(link).to_have_attribute("rel", re.compile(r"\bnoopener\b"))
    expect(chat.log.locator('a[href^="http:"]')).to_have_count(0)
    expect(text).to_contain_text("https://example.org/a. and http://insecure.example")

    button = chat.choices.get_by_role("button", name="<b>x</b>", exact=True)
    expect(button).to_have_text("<b>x</b>")
    button.click()
    expect(chat.log.locator(".sw-you .sw-text").last).to_have_text("<b>x</b>")
    expect(chat.log.locator(".sw-bot")).to_have_count(2)
    assert [m["message"] for m in sent] == ["/greet", "/x"]
    assert all(m["sender"] == sent[0]["sender"] for m in sent)
    assert dialogs == []


def _press_choice(page, title: str) -> None:
    """From the input, Shift+Tab back through the quick replies to ``title``; Enter."""
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        if page.evaluate(FOCUSED) == f".sw-choice:{title}":
            page.keyboard.press("Enter")
            return
    raise AssertionError(f"no quick reply {title!r} reachable by keyboard")


def test_a_keyboard_only_visitor_books_and_reloads(servers, said, new_page):
    """A keyboard-only visitor end to end on the demo page: open, ask, hear the answer,
    book a scan review through the buttons, reload, the conversation is still there;
    axe-core finds nothing with the launcher closed or the panel open."""
    add_review_slots(servers)
    page = new_page(bypass_csp=True)  # for axe-core, injected as an inline script
    chat = Chat.visit(page, servers)
    page.add_script_tag(path=str(AXE))
    closed = axe_violations(page)
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED) == ".sw-launcher:Chat with our assistant":
            break
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED) == "#sw-input"
    chat.replied("not a doctor")

    page.keyboard.type(HOW_LONG)
    page.keyboard.press("Enter")
    expect(chat.log.locator(".sw-bot .sw-text")).to_contain_text([said["utter_faq/how_long"]])

    page.keyboard.type(SCAN_VISITOR)
    page.keyboard.press("Enter")
    for question, (how, answer) in BOOKING_STEPS:
        chat.replied(question)
        expect(page.locator(".sw-typing")).to_have_text("")
        if how == "choose":
            _press_choice(page, answer)
        else:
            page.keyboard.type(answer)
            page.keyboard.press("Enter")
        expect(chat.log.locator(".sw-you").last).to_have_text(f"You: {answer}")
        assert page.evaluate(FOCUSED) == "#sw-input"
    chat.replied("Choose one, or ask for other times")
    slot = chat.choices.get_by_role("button").first.inner_text()
    _press_choice(page, slot)
    chat.replied("You're booked for a scan review on ")
    opened = axe_violations(page)
    before = chat.messages.all_inner_texts()

    page.reload()
    expect(chat.panel).to_be_visible()
    expect(chat.messages).to_have_count(len(before))
    assert chat.messages.all_inner_texts() == before
    assert not closed and not opened, (
        f"launcher closed:\n{described(closed)}\npanel open:\n{described(opened)}"
    )


def test_a_visitors_own_markup_is_shown_as_text(servers, page):
    hostile = '<img src=x onerror="window.__pwned = 1"><b>my back</b> hurts'
    chat = Chat.visit(page, servers)
    chat.open("not a doctor")
    chat.type(hostile)
    expect(chat.log.locator(".sw-you .sw-text").last).to_have_text(hostile)
    expect(chat.log.locator(".sw-bot").nth(1)).to_be_visible()  # answered after the greeting
    injected = page.evaluate(
        """() => {
          const root = document.querySelector('#spine-chat-widget').shadowRoot;
          return {pwned: window.__pwned ?? null, img: root.querySelectorAll('img').length,
                  b: root.querySelectorAll('b').length};
        }"""
    )
    assert injected == {"pwned": None, "img": 0, "b": 0}


def test_a_refused_flood_asks_the_visitor_to_wait(servers, clinic, page):
    chat = Chat.visit(page, servers)
    chat.open("not a doctor")
    page.route(
        "**/webhooks/rest/webhook",
        lambda route: route.fulfill(
            status=429,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": "*", "Retry-After": "30"},
            body=json.dumps({"error": "too many messages: please wait 30 seconds"}),
        ),
    )
    chat.type(HOW_LONG)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("please wait a few seconds")
    expect(alert).to_contain_text(clinic.phone)
    expect(chat.log.get_by_role("button", name=f"Retry: {HOW_LONG}")).to_be_visible()


def _answer_with(page, replies: Callable[[str], list[dict]]) -> list[dict]:
    """Rasa's part played by ``replies(message)``, for tests of the widget's own logic;
    returns the bodies the widget sent."""
    sent: list[dict] = []

    def reply(route) -> None:
        body = route.request.post_data_json
        sent.append(body)
        route.fulfill(
            status=200,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": "*"},
            body=json.dumps([{"recipient_id": "x", **r} for r in replies(body["message"])]),
        )

    page.route("**/webhooks/rest/webhook", reply)
    return sent


def _viewport(screen: tuple[int, int]) -> dict[str, int]:
    return {"width": screen[0], "height": screen[1]}


LONG_ANSWER = " ".join(
    f"Line {n} of a long answer about back pain and its care." for n in range(60)
)
# the box of the ``back``-th last node matching ``selector`` in the shadow root, and the
# conversation's, after the next frame
BOXES = """async ([selector, back]) => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const root = document.querySelector('#spine-chat-widget').shadowRoot;
  const log = root.querySelector('.sw-log');
  const nodes = root.querySelectorAll(selector);
  const box = (n) => {
    const r = n.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom};
  };
  return {log: box(log), node: box(nodes[nodes.length - 1 - back]),
          scrolled: log.scrollTop, end: log.scrollHeight - log.clientHeight};
}"""


@SCREENS
def test_a_new_reply_is_shown_from_its_start(servers, new_page, screen):
    """A reply longer than the conversation's height, and a second one after it: the first
    is shown from its first line, not scrolled to the end of the second."""
    page = new_page(viewport=_viewport(screen))
    _answer_with(
        page,
        lambda message: (
            [{"text": "Hello, I'm not a doctor."}]
            if message == "/greet"
            else [{"text": LONG_ANSWER}, {"text": "And a second reply."}]
        ),
    )
    chat = Chat.visit(page, servers)
    chat.open("not a doctor")
    chat.type("tell me everything")
    chat.replied("And a second reply.")
    boxes = page.evaluate(BOXES, [".sw-bot", 1])
    log, first = boxes["log"], boxes["node"]
    assert log["top"] <= first["top"] <= log["top"] + 24, boxes  # its start, at the top
    assert first["bottom"] > log["bottom"], boxes  # it is longer than the conversation
    assert boxes["scrolled"] < boxes["end"], boxes  # so the end is not what is shown
    expect(chat.log.locator(".sw-bot .sw-text").nth(1)).to_contain_text("Line 0 of a long")


@pytest.mark.parametrize(
    ("screen", "scale", "least"),
    [((375, 740), 1, 480), ((1280, 800), 1, 420), ((640, 400), 2, 190)],
    ids=["phone", "desktop", "desktop-at-200%"],
)
def test_the_conversation_uses_the_height_the_screen_gives(
    servers, said, new_page, screen, scale, least
):
    """The message area grows with the screen: most of a phone's height, most of a
    desktop window's (the panel up to 44rem), and at 200% zoom more than the few lines it
    had."""
    page = new_page(viewport=_viewport(screen), device_scale_factor=scale)
    chat = _open_with_reply(page, servers, said)
    expect(page.locator(".sw-call .sw-phone")).not_to_have_text("")
    height = chat.log.bounding_box()["height"]
    assert height >= least, f"the conversation is {height}px tall on {screen}"


@SCREENS
def test_a_restored_conversation_shows_the_last_buttons_whole(servers, said, new_page, screen):
    page = new_page(viewport=_viewport(screen))
    chat = Chat.visit(page, servers)
    chat.open("not a doctor")
    chat.type(HOW_LONG)
    chat.type(SCAN_VISITOR)
    chat.replied("Does the pain spread into a leg or an arm?")
    expect(chat.choices.get_by_role("button")).not_to_have_count(0)

    page.reload()
    expect(chat.choices.get_by_role("button").last).to_be_visible()
    expect(page.locator(".sw-call .sw-phone")).not_to_have_text("")  # the config is in
    page.wait_for_function(
        """() => getComputedStyle(document.querySelector('#spine-chat-widget').shadowRoot
                 .querySelector('.sw-log')).overflowY === 'auto'"""
    )  # and the stylesheet
    boxes = page.evaluate(BOXES, [".sw-choice", 0])
    log, last = boxes["log"], boxes["node"]
    assert log["top"] <= last["top"] and last["bottom"] <= log["bottom"], boxes


def test_phone_numbers_in_any_message_are_tel_links(servers, clinic, page):
    """911, 988 and written phone numbers, the visitor's too, become tel: links built as
    DOM nodes; a date, a time, a pain score, a count and a booking reference stay text."""
    said = (
        f"Call 911 or text 988. The clinic: {clinic.phone}. Booked Tue 8 Dec, 9:30 AM "
        "(2026-12-08), reference K2988XYZ, pain 7/10, 1,988 characters."
    )
    _answer_with(page, lambda message: [{"text": said}])
    chat = Chat.visit(page, servers)
    chat.launcher.click()
    expect(page.locator(".sw-call .sw-phone")).not_to_have_text("")
    chat.type("my number is (312) 555-0142 <b>x</b>")
    reply = chat.log.locator(".sw-bot .sw-text").last
    expect(reply).to_have_text(said)
    links = reply.get_by_role("link")
    expect(links).to_have_text(["911", "988", clinic.phone])
    hrefs = [links.nth(n).get_attribute("href") for n in range(3)]
    assert hrefs[:2] == ["tel:911", "tel:988"]
    assert re.fullmatch(r"tel:\+1\d{10}", hrefs[2]), hrefs  # the server's E.164 link
    mine = chat.log.locator(".sw-you .sw-text").last
    expect(mine).to_have_text("my number is (312) 555-0142 <b>x</b>")
    expect(mine.get_by_role("link")).to_have_attribute("href", "tel:3125550142")
    bold = page.evaluate(
        "() => document.querySelector('#spine-chat-widget').shadowRoot.querySelectorAll('b').length"
    )
    assert bold == 0


@SCREENS
def test_end_chat_and_clear_asks_first(servers, said, new_page, screen):
    page = new_page(viewport=_viewport(screen))
    chat = _open_with_reply(page, servers, said)
    sender = chat.stored()["sender"]
    before = chat.messages.all_inner_texts()
    clear = page.get_by_role("button", name="End chat and clear")
    question = page.get_by_role("group", name="End this chat and clear it from this browser?")

    clear.click()
    expect(question).to_be_visible()
    keep = question.get_by_role("button", name="Keep chatting")
    expect(keep).to_be_focused()
    assert chat.messages.all_inner_texts() == before and chat.stored()["sender"] == sender
    keep.click()
    expect(question).to_have_count(0)
    expect(clear).to_be_focused()

    clear.click()
    page.keyboard.press("Escape")  # leaves the question, not the panel
    expect(question).to_have_count(0)
    expect(chat.panel).to_be_visible()
    expect(clear).to_be_focused()
    assert chat.stored()["sender"] == sender

    clear.click()
    question.get_by_role("button", name="Yes, end and clear").click()
    expect(chat.panel).to_be_hidden()
    expect(chat.messages).to_have_count(0)
    stored = chat.stored()
    assert stored["messages"] == [] and stored["sender"] != sender
    expect(chat.launcher).to_be_focused()


FOCUSED_CLASS = """() => {
  const inside = document.querySelector('#spine-chat-widget').shadowRoot.activeElement;
  return inside ? inside.className : '';
}"""


def test_on_a_touch_screen_a_button_tap_does_not_open_the_keyboard(servers, said, new_page):
    """Tapping the launcher, a quick reply or a Retry keeps focus in the widget, on the
    conversation, not on the text box (which would open the keyboard over the buttons)."""
    page = new_page(viewport={"width": 375, "height": 740}, has_touch=True, is_mobile=True)
    chat = Chat.visit(page, servers)
    chat.launcher.tap()
    chat.replied("not a doctor")
    assert page.evaluate(FOCUSED_CLASS) == "sw-log"
    chat.type(SCAN_VISITOR)
    chat.replied("Does the pain spread into a leg or an arm?")
    chat.choices.get_by_role("button", name="No, it stays put").tap()
    expect(chat.log.locator(".sw-you").last).to_have_text("You: No, it stays put")
    assert page.evaluate(FOCUSED_CLASS) == "sw-log"
    chat.replied("How long have you had this pain?")
    assert page.evaluate(FOCUSED_CLASS) == "sw-log"

    _rasa_down(page)
    chat.choices.get_by_role("button", name="More than 3 months").tap()
    retry = chat.log.get_by_role("button", name="Retry: More than 3 months")
    expect(retry).to_be_visible()
    page.unroute("**/webhooks/rest/webhook")
    retry.tap()
    chat.replied("How bad is the pain right now")
    assert page.evaluate(FOCUSED_CLASS) == "sw-log"


def test_with_a_mouse_a_quick_reply_leaves_focus_in_the_text_box(servers, said, page):
    chat = Chat.visit(page, servers)
    chat.open("not a doctor")
    expect(chat.input).to_be_focused()
    chat.type(SCAN_VISITOR)
    chat.replied("Does the pain spread into a leg or an arm?")
    chat.choose("No, it stays put")
    expect(chat.input).to_be_focused()


@SCREENS
def test_axe_finds_no_violations_in_an_alarm_an_undelivered_message_and_the_question(
    servers, said, new_page, screen
):
    page = new_page(viewport=_viewport(screen), bypass_csp=True)
    chat = Chat.visit(page, servers)
    page.add_script_tag(path=str(AXE))
    chat.open("not a doctor")
    chat.type(RED_FLAG)
    expect(chat.log.get_by_role("alert")).to_have_count(1)
    _rasa_down(page)
    chat.type(HOW_LONG)
    expect(chat.log.locator(".sw-unsent")).to_have_count(1)
    expect(page.locator(".sw-typing")).to_have_text("")
    page.get_by_role("button", name="End chat and clear").click()
    expect(page.get_by_role("button", name="Keep chatting")).to_be_focused()
    found = axe_violations(page)
    assert not found, described(found)
