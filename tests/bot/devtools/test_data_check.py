"""Only Rasa's known false positives pass `make validate`; anything else fails."""

from __future__ import annotations

from bot.devtools.data_check import (
    form_ask_responses,
    responses_named_in_code,
    unexpected_warnings,
)

DOMAIN = {"forms": {"intake_form": {"required_slots": ["pain_score", "imaging"]}}}

WARN = "/x/rasa/shared/utils/io.py:100: UserWarning: "
LOG = "\n".join(
    [
        WARN + "The following duplicated intents have been found across multiple domain files: faq",
        "2026-11-27 07:07:27 INFO     rasa.validator  - Validating intents...",
        WARN + "The utterance 'utter_ask_pain_score' is not used in any story or rule.",
        WARN + "The utterance 'utter_intake_help_duration' is not used in any story or rule.",
        "/x/pkg_resources/__init__.py:3117: DeprecationWarning: Deprecated call to "
        "`pkg_resources.declare_namespace('ruamel')`.",
    ]
)


def test_form_questions_and_action_responses_are_expected():
    expected = form_ask_responses(DOMAIN) | {"utter_intake_help_duration"}
    assert unexpected_warnings(LOG, expected) == []


def test_an_unused_response_nobody_sends_fails():
    found = unexpected_warnings(LOG, form_ask_responses(DOMAIN))
    assert found == ["The utterance 'utter_intake_help_duration' is not used in any story or rule."]


def test_other_warnings_fail():
    log = "/x/io.py:100: UserWarning: The intent 'skip' is not used in any story or rule.\n"
    assert unexpected_warnings(log, set()) == [
        "The intent 'skip' is not used in any story or rule."
    ]


def test_a_form_question_for_a_slot_the_form_does_not_ask_fails():
    log = WARN + "The utterance 'utter_ask_colour' is not used in any story or rule."
    assert len(unexpected_warnings(log, form_ask_responses(DOMAIN))) == 1


def test_responses_named_in_the_action_code(project_root):
    named = responses_named_in_code(project_root)
    assert {"utter_offer_intake", "utter_intake_help_pain_score", "utter_intake_noted"} <= named
