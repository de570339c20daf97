"""No contact detail or symptom text of a visitor in any process log at the default log
level: Rasa, the action server and the web app, started as `make run` starts them (as
tests/live.py does), each writing its own log.

A visitor with a unique name, email and phone number describes their pain, goes through
the intake, consents and leaves their contact details; a staff member then searches for
them in the back-office by email and by phone, opens the lead, reveals the contact and
exports it. The servers are then stopped, so that everything they buffered is written,
and every log is searched for those details in every form they took.
"""

from __future__ import annotations

import json
import random
import re
import string
import uuid
from urllib.parse import quote, quote_plus

import requests

from bot.settings import Settings
from tests import live
from tests.live import expected, say
from tests.visitors import bot, texts

# ports of their own: these servers are stopped by the test to read complete logs
PORTS = {"RASA_PORT": "15208", "ACTION_PORT": "15258", "WEB_PORT": "18218"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "amber meadow 9 compass"
SYMPTOM = "i have a herniated disc in my lower back"


class Visitor:
    """Details nobody else in these logs could have: any match is this visitor's."""

    def __init__(self) -> None:
        token = uuid.uuid4().hex[:10]
        letters = "".join(random.choices(string.ascii_lowercase, k=8))
        self.sender = uuid.uuid4().hex
        self.name = f"Ana {letters.title()}"
        self.email = f"zz{token}@example.org"
        line = random.randint(100, 199)
        self.phone_typed = f"(312) 555-{line:04d}"
        self.phone_e164 = f"+1312555{line:04d}"

    def needles(self) -> dict[str, str]:
        """Every form a detail could take in a log line."""
        return {
            "email": self.email,
            "email's unique part": self.email.split("@")[0],
            "phone as typed": self.phone_typed,
            "phone, E.164": self.phone_e164,
            "phone, digits": self.phone_e164[2:],
            "phone, local part": self.phone_typed.split(") ")[1],
            "name": self.name,
            "name's unique part": self.name.split()[1],
            "symptom text": SYMPTOM,
        }


def chat_until_saved(settings: Settings, visitor: Visitor, domain, clinic) -> None:
    """The visitor's whole conversation: pain, intake, consent, contact, a correction."""

    def r(name: str) -> str:
        return expected(domain, clinic, name)

    def answer(text: str) -> list[str]:
        return texts(say(settings, visitor.sender, text))

    assert answer(SYMPTOM)[0] == r("utter_intake_start")
    for reply in ["no", "3 months", "6", "none of these", "an mri last year", "physical therapy"]:
        answer(reply)
    assert answer("/affirm")[:2] == [r("utter_intake_done"), r("utter_ask_consent_given")]
    assert answer("/affirm") == [r("utter_ask_contact_name_opt_in")]
    assert answer("/affirm") == [r("utter_ask_contact_name")]
    assert answer(visitor.name) == [r("utter_ask_contact_phone")]
    answer(visitor.phone_typed)
    assert answer("call") == [r("utter_ask_contact_time")]
    assert answer("morning")[0].startswith(f"Thank you, {visitor.name}.")
    assert answer(f"sorry, add my email too: {visitor.email}") == [r("utter_contact_updated")]
    # Rasa's reader of "/intent" payloads logged any other "/" message whole
    answer(f"/{visitor.name} again, {visitor.email}: {SYMPTOM}")


def staff_look_up(settings: Settings, visitor: Visitor, lead_id: int) -> str:
    """A staff member finds, opens, reveals and exports the lead; the export's text."""
    email = f"desk-{uuid.uuid4().hex[:8]}@clinic.example"
    bot(settings, "users", "add", email, "--role", "staff", stdin=PASSWORD + "\n")
    web = requests.Session()
    login = web.get(f"{settings.web_url}/staff/login", timeout=10)
    signed_in = web.post(
        f"{settings.web_url}/staff/login",
        data={"email": email, "password": PASSWORD, "csrf_token": CSRF.search(login.text)[1]},
        timeout=30,
    )
    assert signed_in.url.endswith("/staff/leads"), signed_in.text[:500]
    for query in (visitor.email, visitor.phone_typed):
        found = web.get(f"{settings.web_url}/staff/leads", params={"q": query}, timeout=10)
        assert f"/staff/leads/{lead_id}" in found.text, query
    page = web.get(f"{settings.web_url}/staff/leads/{lead_id}", timeout=10)
    revealed = web.post(
        f"{settings.web_url}/staff/leads/{lead_id}/reveal",
        data={"csrf_token": CSRF.search(page.text)[1]},
        timeout=10,
    )
    assert visitor.email in revealed.text
    export = web.get(
        f"{settings.web_url}/staff/leads/export.csv", params={"q": visitor.email}, timeout=10
    )
    assert export.status_code == 200
    return export.text


def test_no_contact_detail_or_symptom_text_in_any_log(project_root, tmp_path, domain, clinic):
    visitor = Visitor()
    running = live.serve(project_root, tmp_path, PORTS, ["actions", "rasa", "web"])
    settings = next(running)
    try:
        chat_until_saved(settings, visitor, domain, clinic)
        leads = json.loads(bot(settings, "leads", "list", "--json"))
        (lead,) = [lead for lead in leads if lead["conversation_id"] == visitor.sender]
        # the details did go through the processes, and were kept where they belong
        assert (lead["email"], lead["phone"]) == (visitor.email, visitor.phone_e164)
        export = staff_look_up(settings, visitor, lead["id"])
        assert visitor.email in export
    finally:
        running.close()  # stops the servers: every buffered line is in the logs now

    logs = {path.name: path.read_text(errors="replace") for path in tmp_path.glob("*.log")}
    assert sorted(logs) == ["actions.log", "rasa.log", "web.log"]
    # the logs are real: the web app logged the staff member's requests (without query)
    assert "GET /staff/leads HTTP/1.1" in logs["web.log"]
    assert all(text.strip() for text in logs.values())
    leaks = [
        f"{what} in {name}"
        for name, text in logs.items()
        for what, needle in visitor.needles().items()
        for form in {needle, quote(needle), quote_plus(needle)}
        if form.lower() in text.lower()
    ]
    assert leaks == []
