from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

from bot.db.models import Lead, utcnow


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
