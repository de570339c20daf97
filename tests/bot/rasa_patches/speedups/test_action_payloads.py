"""The body sent to the action server, with stored events put in as stored, is Rasa's."""

from __future__ import annotations

import json

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_patches.speedups import fast_json
from bot.rasa_patches.speedups.action_payloads import (
    STORED_JSON,
    domain_payload,
    events_payload,
    remember_json,
    stored_event_bodies,
)
from tests.story_trackers import through_every_kind_of_event

RASA = RemoteAction._action_call_format
OURS = stored_event_bodies(RASA)


def encoded(body: dict) -> dict:
    """The body as the action server reads it."""
    return json.loads(fast_json.dumps(body))


def remember_some(tracker, every: int) -> None:
    """Give every ``every``-th event its JSON, as if the tracker store had written it."""
    for index, event in enumerate(tracker.events):
        if index % every == 0:
            remember_json(event, fast_json.dumps(event.as_dict()))


def action(name: str, selective: bool) -> RemoteAction:
    endpoint = EndpointConfig("http://localhost:5055/webhook", enable_selective_domain=selective)
    return RemoteAction(name, endpoint)


@pytest.mark.parametrize("selective", [True, False])
@pytest.mark.parametrize("name", ["validate_intake_form", "action_offer_intake"])
def test_bodies_are_rasas_at_every_point_of_the_test_stories(story_points, selective, name):
    domain, trackers = story_points
    remote = action(name, selective)
    for tracker in trackers:
        remember_some(tracker, every=2)
        assert encoded(OURS(remote, tracker, domain)) == encoded(RASA(remote, tracker, domain))


def test_the_domain_goes_only_where_rasa_sends_it(story_points):
    domain, trackers = story_points
    tracker = trackers[-1]
    assert "domain" in OURS(action("validate_intake_form", True), tracker, domain)
    assert "domain" not in OURS(action("action_offer_intake", True), tracker, domain)
    assert "domain" in OURS(action("action_offer_intake", False), tracker, domain)


def test_bodies_are_rasas_through_every_kind_of_event(story_points):
    domain, _ = story_points
    remote = action("validate_lead_form", True)
    for tracker in through_every_kind_of_event(domain, None):
        remember_some(tracker, every=3)
        assert encoded(OURS(remote, tracker, domain)) == encoded(RASA(remote, tracker, domain))


def test_a_stored_event_is_sent_as_the_store_holds_it(story_points):
    """The stored text goes in unchanged, not the event's dictionary made anew."""
    _, trackers = story_points
    user, action = [e for e in trackers[-1].events if e.type_name in ("user", "action")][:2]
    stored = fast_json.dumps({**user.as_dict(), "text": "as stored"})
    remember_json(user, stored)
    try:
        sent = json.loads(events_payload([user, action]).text)
        assert sent == [json.loads(stored), action.as_dict()]
    finally:
        del user.__dict__[STORED_JSON]
    assert json.loads(events_payload([user]).text) == [json.loads(fast_json.dumps(user.as_dict()))]
    assert json.loads(events_payload([]).text) == []


def test_the_domain_is_encoded_once_per_domain(story_points):
    domain, _ = story_points
    first = domain_payload(domain)
    assert domain_payload(domain) is first
    assert json.loads(fast_json.dumps({"domain": first})) == encoded({"domain": domain.as_dict()})
