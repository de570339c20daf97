from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

from bot.db.models import Lead, utcnow
from bot.web.staff.overview import wait_text
from tests.bot.web.staff.conftest import post_form


def test_the_overview_draws_charts_with_their_numbers(site, staff):
    now = utcnow()
    with site.factory.begin() as session:
        session.add_all(
            [
                Lead(
                    conversation_id="c1",
                    name="A",
                    email="a@example.com",
                    created_at=now,
                    conditions=["sciatica"],
                    triage_level="urgent",
                ),
                Lead(
                    conversation_id="c2",
                    name="B",
                    email="b@example.com",
                    created_at=now - timedelta(days=8),
                    conditions=["neck_pain"],
                ),
            ]
        )
    response = staff.get("/staff/overview")
    assert response.status_code == 200
    page = response.text
    assert page.count("<svg") == 3
    assert "Leads per week by condition (numbers)" in page
    assert "sciatica" in page and "neck pain" in page
    for chunk in page.split("<svg")[1:]:
        ET.fromstring("<svg" + chunk.split("</svg>")[0] + "</svg>")
    funnel = page.split("Funnel (numbers)")[1]
    assert '<th scope="row">Leads</th><td>2</td>' in funnel


def test_a_bad_period_falls_back_with_a_reason(staff):
    response = staff.get("/staff/overview?from=2026-12-01&to=2026-01-01")
    assert response.status_code == 400
    assert "start date is after the end date" in response.text


def test_the_overview_shows_time_to_first_contact(site, staff):
    now = utcnow()
    with site.factory.begin() as session:
        lead = Lead(
            conversation_id="c1",
            name="A",
            email="a@example.com",
            created_at=now - timedelta(hours=3),
        )
        session.add(lead)
        session.flush()
        lead_id = lead.id
    changed = post_form(
        staff, f"/staff/leads/{lead_id}", f"/staff/leads/{lead_id}/status", {"status": "contacted"}
    )
    assert changed.status_code == 303
    page = staff.get("/staff/overview").text
    table = page.split("Time to first contact per week")[1].split("</table>")[0]
    # arrived three hours ago, reached now: the week's median and 90th percentile
    assert "<td>1</td><td>1</td><td>3 h 0 min</td><td>3 h 0 min</td>" in table


def test_wait_text():
    assert wait_text(None) == "—"
    assert wait_text(timedelta(minutes=45, seconds=30)) == "45 min"
    assert wait_text(timedelta(hours=3, minutes=20)) == "3 h 20 min"
    assert wait_text(timedelta(days=2, hours=4, minutes=5)) == "2 d 4 h"
