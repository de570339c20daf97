"""The "To call" page through the web app."""

from __future__ import annotations

from datetime import timedelta

from bot.db.models import Lead, utcnow
from bot.staff import queue


def _add(site, conversation_id: str, name: str, **fields) -> int:
    with site.factory.begin() as session:
        lead = Lead(
            conversation_id=conversation_id,
            name=name,
            email=f"{conversation_id}@example.com",
            **fields,
        )
        session.add(lead)
        session.flush()
        return lead.id


def test_the_queue_shows_new_leads_most_urgent_first_with_overdue_marked(site, staff):
    now = utcnow()
    _add(site, "c1", "Old Routine", created_at=now - timedelta(days=10))
    _add(site, "c2", "Fresh Emergency", created_at=now, triage_level="emergency")
    _add(site, "c3", "Called Already", created_at=now - timedelta(days=10), status="contacted")
    response = staff.get("/staff/queue")
    assert response.status_code == 200
    page = response.text
    assert page.index("Fresh Emergency") < page.index("Old Routine")
    assert "Called Already" not in page
    assert "2 new leads to call, 1 overdue." in page
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]
    emergency, routine = rows
    assert "Overdue" in routine and "Overdue" not in emergency
    assert 'class="triage-routine overdue"' in routine


def test_the_queue_is_linked_from_every_page_and_its_pages_are_checked(staff):
    assert 'href="/staff/queue"' in staff.get("/staff/overview").text
    response = staff.get("/staff/queue?page=0")
    assert response.status_code == 400
    assert "page must be a whole number" in response.text


def test_the_queue_refreshes_itself_with_a_script_of_the_sites_own(staff):
    page = staff.get("/staff/queue").text
    assert '/static/staff-refresh.js" defer></script>' in page
    assert 'data-refresh-seconds="60"' in page
    script = staff.get("/static/staff-refresh.js")
    assert script.status_code == 200 and "refreshed" in script.text


def test_a_queue_longer_than_its_bound_says_so(site, staff, monkeypatch):
    monkeypatch.setattr(queue, "MAX_QUEUE", 1)
    now = utcnow()
    _add(site, "c1", "Oldest", created_at=now - timedelta(days=2))
    _add(site, "c2", "Newer", created_at=now - timedelta(days=1))
    page = staff.get("/staff/queue").text
    assert "2 new leads to call" in page
    assert "The 1 oldest are in call order here" in page
    assert "Oldest" in page and "Newer" not in page
