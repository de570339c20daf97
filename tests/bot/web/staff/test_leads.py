from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clinic import booking
from bot.db.models import AuditEvent, Consent, Intake, Lead, LeadNote, utcnow
from tests.bot.web.staff.conftest import ADMIN, STAFF, T0, csrf_of, post_form
from tests.tracker_events import chat_at, event_counts, save_conversations

HOSTILE = "<script>alert(1)</script>"


def _add_lead(site, conversation_id: str, **fields) -> int:
    with site.factory.begin() as session:
        lead = Lead(
            conversation_id=conversation_id,
            name=fields.pop("name", "Ana Lopez"),
            email=fields.pop("email", "ana.lopez@example.com"),
            phone=fields.pop("phone", "+15550123456"),
            created_at=fields.pop("created_at", T0),
            conditions=fields.pop("conditions", ["sciatica"]),
            **fields,
        )
        lead.intake = Intake(
            answers={"pain_location": ["lower_back"], "pain_duration": "3 months"},
            summary="Lower back pain with sciatica for 3 months.",
            pain_score=7,
            duration_category="chronic",
        )
        lead.consent = Consent(
            notice_version="2026-11-27", agreed=True, contact_opt_in=True, given_at=T0
        )
        session.add(lead)
        session.flush()
        return lead.id


def _audit(site, action: str) -> list[AuditEvent]:
    with site.factory() as session:
        return list(
            session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars()
        )


@pytest.fixture
def lead_id(site) -> int:
    conversation = chat_at(T0, "I have sciatica down my left leg")
    save_conversations(Path(site.settings.tracker_store_db), {"conv-ana": conversation})
    return _add_lead(site, "conv-ana")


def test_the_inbox_lists_leads_with_contact_details_masked(staff, lead_id):
    page = staff.get("/staff/leads").text
    assert f'href="/staff/leads/{lead_id}"' in page
    assert "Ana Lopez" in page
    assert "ana.lopez@example.com" not in page and "0123456" not in page
    assert "a•••@example.com" in page and "••56" in page


def test_emergencies_come_first_when_sorted_by_triage(site, staff):
    routine = _add_lead(site, "c1", name="Routine Newest", created_at=T0 + timedelta(hours=2))
    emergency = _add_lead(site, "c2", name="Emergency Oldest", triage_level="emergency")
    page = staff.get("/staff/leads?sort=triage").text
    assert page.index("Emergency Oldest") < page.index("Routine Newest")
    page = staff.get("/staff/leads").text
    assert page.index("Routine Newest") < page.index("Emergency Oldest")
    assert 'class="triage-emergency' in page  # overdue too: it arrived long ago
    assert routine != emergency


def test_filters_and_search(site, staff):
    _add_lead(site, "c1", name="Neck Person", conditions=["neck_pain"], phone="+15550199999")
    _add_lead(site, "c2", name="Disc Person", conditions=["herniated_disc"], status="contacted")
    assert "Disc Person" not in staff.get("/staff/leads?condition=neck_pain").text
    assert "Neck Person" in staff.get("/staff/leads?condition=neck_pain").text
    only_contacted = staff.get("/staff/leads?status=contacted").text
    assert "Disc Person" in only_contacted and "Neck Person" not in only_contacted
    by_phone = staff.get("/staff/leads?q=(555) 019-9999").text
    assert "Neck Person" in by_phone and "Disc Person" not in by_phone
    assert "1 lead found" in by_phone


def test_a_bad_filter_is_explained_not_a_crash(staff):
    response = staff.get("/staff/leads?status=lost&from=yesterday")
    assert response.status_code == 400
    assert "Filter not applied" in response.text


def test_the_mine_filter(site, staff):
    with site.factory() as session:
        from bot.staff.accounts import find_user

        desk = find_user(session, STAFF[0]).id
    _add_lead(site, "c1", name="Assigned Lead", assigned_to_id=desk)
    _add_lead(site, "c2", name="Someone Else")
    page = staff.get("/staff/leads?mine=1").text
    assert "Assigned Lead" in page and "Someone Else" not in page
    assert "My leads" in page


def test_pagination(site, staff):
    for n in range(27):
        _add_lead(site, f"c{n}", name=f"Person {n:02d}", created_at=T0 + timedelta(minutes=n))
    first = staff.get("/staff/leads").text
    assert "Person 26" in first and "Person 01" not in first
    assert "Page 1 of 2" in first
    second = staff.get("/staff/leads?page=2").text
    assert "Person 01" in second and "Person 00" in second and "Person 26" not in second


def test_the_lead_page_shows_intake_consent_and_transcript_and_is_audited(site, staff, lead_id):
    page = staff.get(f"/staff/leads/{lead_id}").text
    assert "Lower back pain with sciatica for 3 months." in page
    assert "2026-11-27" in page  # the consent notice's version
    assert "I have sciatica down my left leg" in page  # the visitor's message
    assert "Hello! How can I help?" in page  # the assistant's
    assert "ana.lopez@example.com" not in page
    viewed = _audit(site, "lead_viewed")
    assert [(e.actor_email, e.target_id) for e in viewed] == [(STAFF[0], lead_id)]


@pytest.mark.parametrize(
    ("contact", "link", "missing"),
    [
        ({"phone": None}, 'href="mailto:ana.lopez@example.com"', "tel:"),
        ({"email": None}, 'href="tel:+15550123456"', "mailto:"),
    ],
)
def test_revealed_details_link_only_what_the_visitor_gave(site, staff, contact, link, missing):
    lead = _add_lead(site, "conv-one-way", **contact)
    page = post_form(staff, f"/staff/leads/{lead}", f"/staff/leads/{lead}/reveal").text
    contact = page.split('id="contact-h"')[1].split('id="consent-h"')[0]
    assert link in contact
    assert missing not in contact and "None" not in contact
    assert contact.count("not given") == 1


def test_revealing_contact_details_is_a_logged_post(site, staff, lead_id):
    response = post_form(staff, f"/staff/leads/{lead_id}", f"/staff/leads/{lead_id}/reveal")
    assert response.status_code == 200
    assert "ana.lopez@example.com" in response.text and "+15550123456" in response.text
    revealed = _audit(site, "contact_revealed")
    assert [(e.actor_email, e.target_id) for e in revealed] == [(STAFF[0], lead_id)]
    assert "ana" not in str(revealed[0].details)


def test_hostile_names_and_messages_are_shown_as_text(site, staff):
    save_conversations(Path(site.settings.tracker_store_db), {"conv-x": chat_at(T0, HOSTILE)})
    lead = _add_lead(site, "conv-x", name=HOSTILE)
    for page in (staff.get("/staff/leads").text, staff.get(f"/staff/leads/{lead}").text):
        assert HOSTILE not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_status_notes_and_assignment(site, staff, lead_id):
    detail = f"/staff/leads/{lead_id}"
    assert post_form(staff, detail, f"{detail}/status", {"status": "contacted"}).status_code == 303
    refused = post_form(staff, detail, f"{detail}/status", {"status": "closed"})
    assert refused.status_code == 400 and "choose why" in refused.text
    note = "Called, left a voicemail."
    assert post_form(staff, detail, f"{detail}/notes", {"body": note}).status_code == 303
    empty = post_form(staff, detail, f"{detail}/notes", {"body": "   "})
    assert empty.status_code == 400
    assert post_form(staff, detail, f"{detail}/assign", {"assignee": "me"}).status_code == 303
    closed = post_form(
        staff, detail, f"{detail}/status", {"status": "closed", "reason": "unreachable"}
    )
    assert closed.status_code == 303
    page = staff.get(detail).text
    assert note in page and STAFF[0] in page and "Unreachable" in page
    with site.factory() as session:
        lead = session.get(Lead, lead_id)
        assert (lead.status, lead.closed_reason) == ("closed", "unreachable")
        assert lead.assigned_to.email == STAFF[0]
        notes = session.execute(select(LeadNote)).scalars().all()
        assert [n.body for n in notes] == [note]
    changes = [e.details for e in _audit(site, "status_changed")]
    assert changes == [
        {"from": "new", "to": "contacted"},
        {"from": "contacted", "to": "closed", "reason": "unreachable"},
    ]
    assert len(_audit(site, "note_added")) == 1 and len(_audit(site, "lead_assigned")) == 1


def test_a_form_without_the_sessions_csrf_token_is_refused(site, staff, lead_id):
    response = staff.post(f"/staff/leads/{lead_id}/notes", data={"body": "sneaky"})
    assert response.status_code == 403
    response = staff.post(
        f"/staff/leads/{lead_id}/notes", data={"body": "sneaky", "csrf_token": "guessed"}
    )
    assert response.status_code == 403
    with site.factory() as session:
        assert session.execute(select(LeadNote)).first() is None


def test_another_sessions_token_does_not_work(site, staff, admin, lead_id):
    admin_token = csrf_of(admin.get("/staff/leads").text)
    response = staff.post(
        f"/staff/leads/{lead_id}/notes", data={"body": "x", "csrf_token": admin_token}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/staff/leads/9999", 404),
        ("get", "/staff/leads/abc", 404),
        ("post", "/staff/leads/9999/notes", 404),
        ("post", "/staff/leads/9999/reveal", 404),
    ],
)
def test_ids_that_do_not_exist_are_not_found(staff, method, path, status):
    if method == "get":
        assert staff.get(path).status_code == status
    else:
        assert post_form(staff, "/staff/leads", path, {"body": "x"}).status_code == status


def test_assigning_to_an_unknown_account_is_refused(staff, lead_id):
    detail = f"/staff/leads/{lead_id}"
    response = post_form(staff, detail, f"{detail}/assign", {"assignee": "9999"})
    assert response.status_code == 400
    assert "no active staff member" in response.text


def test_export_is_the_current_filter_neutralised_and_logged(site, staff):
    _add_lead(site, "c1", name='=HYPERLINK("http://evil.example")', status="contacted")
    _add_lead(site, "c2", name="Not Exported")
    response = staff.get("/staff/leads/export.csv?status=contacted")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert len(rows) == 2  # the header and the one contacted lead
    assert rows[1][2] == '\'=HYPERLINK("http://evil.example")'
    assert "'+15550123456" in rows[1]
    exported = _audit(site, "leads_exported")
    assert exported[0].details["count"] == 1
    assert exported[0].details["filter"] == {"status": "contacted"}


def test_erasing_needs_an_admin_and_two_confirmations(site, staff, admin, lead_id):
    detail = f"/staff/leads/{lead_id}"
    assert staff.get(f"{detail}/erase").status_code == 403
    confirm = admin.get(f"{detail}/erase")
    assert confirm.status_code == 200 and "Type ERASE" in confirm.text
    wrong = post_form(admin, f"{detail}/erase", f"{detail}/erase", {"confirm": "yes"})
    assert wrong.status_code == 400
    with site.factory() as session:
        assert session.get(Lead, lead_id) is not None
    done = post_form(admin, f"{detail}/erase", f"{detail}/erase", {"confirm": "ERASE"})
    assert done.status_code == 303
    with site.factory() as session:
        assert session.get(Lead, lead_id) is None
        assert session.execute(select(Consent)).first() is None
    assert "conv-ana" not in event_counts(Path(site.settings.tracker_store_db))
    erased = _audit(site, "lead_erased")
    assert [(e.actor_email, e.target_id) for e in erased] == [(ADMIN[0], lead_id)]
    assert "Ana" not in str(erased[0].details)
    assert admin.get(detail).status_code == 404


def test_a_booked_lead_shows_its_review(site, staff, lead_id):
    with site.factory.begin() as session:
        slot = booking.add_slots(session, [T0 + timedelta(days=30)])[0]
    booking.book(site.factory, lead_id, slot.id, T0)
    page = staff.get(f"/staff/leads/{lead_id}").text
    assert "reference" in page and "active" in page
    assert "Booked" in staff.get("/staff/leads?has_booking=yes").text


# --- confirmations, new leads, duplicates, the masked transcript --------------------------


def _notice(page: str) -> str:
    return page.split('<div role="status">')[1].split("</div>")[0]


def test_every_change_says_what_it_did_once(site, staff, lead_id):
    detail = f"/staff/leads/{lead_id}"
    said = []
    for action, fields in [
        ("status", {"status": "contacted"}),
        ("notes", {"body": "Left a voicemail."}),
        ("assign", {"assignee": "me"}),
        ("assign", {"assignee": ""}),
        ("status", {"status": "closed", "reason": "unreachable"}),
    ]:
        response = post_form(staff, detail, f"{detail}/{action}", fields)
        assert response.status_code == 303 and response.headers["location"] == detail
        said.append(_notice(staff.get(detail).text))
    assert said == [
        '<p class="notice">Status changed to contacted.</p>',
        '<p class="notice">Note added.</p>',
        f'<p class="notice">Assigned to {STAFF[0]}.</p>',
        '<p class="notice">Assigned to nobody.</p>',
        '<p class="notice">Status changed to closed (Unreachable).</p>',
    ]
    assert _notice(staff.get(detail).text) == ""  # shown once


def test_a_refused_change_confirms_nothing(staff, lead_id):
    detail = f"/staff/leads/{lead_id}"
    refused = post_form(staff, detail, f"{detail}/status", {"status": "closed"})
    assert refused.status_code == 400
    assert _notice(refused.text) == "" and "choose why" in refused.text


def test_leads_new_since_the_last_visit_are_marked_and_counted(site, staff):
    first = _add_lead(site, "c1", name="Seen Before", created_at=utcnow())
    page = staff.get("/staff/leads").text  # the first visit: everything since the account
    assert "1 new since your last visit" in page and '<strong class="badge">New</strong>' in page
    later = _add_lead(site, "c2", name="Came Later", created_at=utcnow())
    elsewhere = staff.get("/staff/overview").text
    assert '<span class="count">1 new</span>' in elsewhere  # in the navigation
    # a reload by the page's script is not a visit: the mark stays
    assert "1 new since your last visit" in staff.get("/staff/leads?refreshed=1").text
    assert '<span class="count">1 new</span>' in staff.get("/staff/overview").text
    page = staff.get("/staff/leads").text
    rows = page.split("<tbody>")[1]
    marked = [row for row in rows.split("<tr")[1:] if 'class="badge"' in row]
    assert len(marked) == 1 and f"/staff/leads/{later}" in marked[0]
    assert f"/staff/leads/{first}" in rows
    again = staff.get("/staff/leads").text
    assert "new since your last visit" not in again and 'class="badge"' not in again
    assert 'class="count"' not in staff.get("/staff/overview").text


def test_the_inbox_keeps_its_filters_when_it_refreshes(staff):
    page = staff.get("/staff/leads?status=new&sort=triage&refreshed=1")
    assert page.status_code == 200
    assert '<option value="new" selected>' in page.text
    assert "staff-refresh.js" in page.text


def test_possible_duplicates_are_shown_on_both_leads(site, staff):
    first = _add_lead(site, "c1", email="Ana.Lopez@Example.com", phone="+15550123456")
    second = _add_lead(site, "c2", email="other@example.com", phone="+15550123456")
    third = _add_lead(site, "c3", email="ana.lopez@example.com", phone="+15550199999")
    alone = _add_lead(site, "c4", email="alone@example.com", phone="+15550188888")
    one = (
        staff.get(f"/staff/leads/{first}").text.split('id="duplicates-h"')[1].split("</section>")[0]
    )
    assert f'href="/staff/leads/{second}"' in one and f'href="/staff/leads/{third}"' in one
    assert "same phone" in one and "same email" in one
    two = staff.get(f"/staff/leads/{second}").text
    assert f'href="/staff/leads/{first}"' in two.split('id="duplicates-h"')[1]
    assert "Possible duplicates" not in staff.get(f"/staff/leads/{alone}").text
    # the section names numbers and statuses, never the shared details
    assert "0123456" not in one and "ana.lopez" not in one.lower()


SAYS_CONTACTS = "call me on (555) 012-3456 or write to ana.lopez@example.com"


def test_the_transcript_masks_contact_details_until_revealed(site, staff):
    save_conversations(
        Path(site.settings.tracker_store_db), {"conv-says": chat_at(T0, SAYS_CONTACTS)}
    )
    lead = _add_lead(site, "conv-says")
    page = staff.get(f"/staff/leads/{lead}").text
    conversation = page.split('id="transcript-h"')[1]
    assert "012-3456" not in conversation and "ana.lopez@" not in conversation
    assert "call me on ••• ••56 or write to a•••@example.com" in conversation
    assert "0123456" not in page and "ana.lopez@example.com" not in page
    revealed = post_form(staff, f"/staff/leads/{lead}", f"/staff/leads/{lead}/reveal").text
    assert SAYS_CONTACTS in revealed.split('id="transcript-h"')[1]
    assert [e.target_id for e in _audit(site, "contact_revealed")] == [lead]
