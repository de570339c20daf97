"""RulePolicy with only the states its rules reach predicts exactly as with all of them."""

from __future__ import annotations

import logging

import pytest
import structlog
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_patches.speedups import rule_states
from bot.rasa_patches.speedups.rule_states import (
    frozen_states,
    longest_rule,
    possible_rule_keys,
    recent_prediction_states,
    recent_states,
)
from bot.rasa_patches.speedups.tracker_copies import copy_as_it_stands
from tests.story_trackers import every_point, load_trackers


@pytest.fixture(scope="module")
def project(project_root, tmp_path_factory):
    """The project's RulePolicy, trained on data/ as config.yml configures it, and the
    test stories' conversations (tests/stories) turned into trackers."""
    # RulePolicy deep-copies its states into a debug log entry; keep the output quiet
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
    domain, training = load_trackers(project_root, "data")
    _, conversations = load_trackers(project_root, "tests/stories", domain)
    storage = LocalModelStorage(tmp_path_factory.mktemp("rule-policy"))
    config = {
        **RulePolicy.get_default_config(),
        "core_fallback_threshold": 0.3,
        "core_fallback_action_name": "utter_ask_rephrase",
        "enable_fallback_prediction": True,
    }
    context = ExecutionContext(GraphSchema({}), "test")
    policy = RulePolicy.create(config, storage, Resource("rule_policy"), context)
    policy.train(training, domain)
    yield policy, domain, conversations
    structlog.reset_defaults()


@pytest.mark.parametrize("count", [1, 2, 5, 12, 1000])
def test_recent_states_are_the_tail_of_rasas_states(project, count):
    _, domain, conversations = project
    for tracker in every_point(conversations):
        assert (
            recent_states(tracker, domain, count)
            == (domain.states_for_tracker_history(tracker)[-count:])
        )


def test_predictions_are_rasas_at_every_point_of_the_test_stories(project, monkeypatch):
    policy, domain, conversations = project
    original = RulePolicy._prediction_states
    recent = recent_prediction_states(original)
    compared = longer = 0
    for tracker in every_point(conversations):
        monkeypatch.setattr(RulePolicy, "_prediction_states", original)
        expected = policy.predict_action_probabilities(tracker, domain)
        monkeypatch.setattr(RulePolicy, "_prediction_states", recent)
        predicted = policy.predict_action_probabilities(tracker, domain)
        assert predicted.probabilities == expected.probabilities
        assert predicted.events == expected.events
        assert predicted.hide_rule_turn == expected.hide_rule_turn
        assert predicted.is_end_to_end_prediction == expected.is_end_to_end_prediction
        assert predicted.is_no_user_prediction == expected.is_no_user_prediction
        compared += 1
        longer += len(domain.states_for_tracker_history(tracker)) > longest_rule(policy)
    # the comparison covered conversations longer than the longest rule
    assert compared > 300 and longer > 100


def test_the_longest_rule_follows_the_lookup(project):
    policy, _, _ = project
    assert 2 <= longest_rule(policy) < 20
    trained = policy.lookup
    policy.lookup = {"rules": {'[{"prev_action": {"action_name": "a"}}]': "b"}}
    try:
        assert longest_rule(policy) == 1
    finally:
        policy.lookup = trained
    assert 2 <= longest_rule(policy) < 20


def test_possible_rule_keys_are_rasas_at_every_point_of_the_test_stories(project):
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH

    policy, domain, conversations = project
    original = RulePolicy._get_possible_keys
    fast = possible_rule_keys(original)
    found = 0
    remembered = []
    for _ in range(2):  # the second time, every answer is a remembered one
        for tracker in every_point(conversations):
            states = domain.states_for_tracker_history(tracker)
            for lookup in (policy.lookup[RULES], policy.lookup[RULES_FOR_LOOP_UNHAPPY_PATH]):
                expected = original(policy, lookup, states)
                assert fast(policy, lookup, states) == expected
                found += len(expected)
        remembered.append(
            sum(
                len(rule_states.rule_table(policy, policy.lookup[name]).matches)
                for name in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH)
            )
        )
    assert found > 600  # rules did fit, not only empty sets compared
    # the stories' 384 points share some recent histories; the second pass adds none
    assert 0 < remembered[0] == remembered[1] < 2 * 384


def test_remembered_keys_are_a_copy(project):
    from rasa.core.policies.rule_policy import RULES

    policy, domain, conversations = project
    fast = possible_rule_keys(RulePolicy._get_possible_keys)
    states = domain.states_for_tracker_history(list(every_point(conversations))[3])
    first = fast(policy, policy.lookup[RULES], states)
    first.add("changed by a caller")
    assert "changed by a caller" not in fast(policy, policy.lookup[RULES], states)


def test_memory_starts_again_when_full(project, monkeypatch):
    policy, domain, conversations = project
    monkeypatch.setattr(rule_states, "REMEMBERED_MATCHES", 3)
    lookup = {'[{"prev_action": {"action_name": "action_listen"}}]': "b"}
    fast = possible_rule_keys(RulePolicy._get_possible_keys)
    for tracker in list(every_point(conversations))[:40]:
        states = domain.states_for_tracker_history(tracker)
        assert fast(policy, lookup, states) == RulePolicy._get_possible_keys(policy, lookup, states)
        assert len(rule_states.rule_table(policy, lookup).matches) <= 3


def test_states_that_cannot_be_remembered_are_still_matched(project):
    policy, _, _ = project
    lookup = {'[{"prev_action": {"action_name": "a"}}]': "b"}
    states = [{"prev_action": {"action_name": "a"}, "user": {"text": ["not", "hashable"]}}]
    fast = possible_rule_keys(RulePolicy._get_possible_keys)
    assert fast(policy, lookup, states) == {'[{"prev_action": {"action_name": "a"}}]'}
    assert rule_states.rule_table(policy, lookup).matches == {}


def test_frozen_states_tell_states_apart_and_ignore_order():
    one = {"user": {"intent": "faq", "entities": ("a",)}, "slots": {"s": (1.0,)}}
    same = {"slots": {"s": (1.0,)}, "user": {"entities": ("a",), "intent": "faq"}}
    other = {"user": {"intent": "faq", "entities": ("a",)}, "slots": {"s": (0.0,)}}
    assert frozen_states([one]) == frozen_states([same])
    assert frozen_states([one]) != frozen_states([other])
    assert frozen_states([one, {}]) != frozen_states([one])


def test_possible_rule_keys_follow_a_changed_lookup(project):
    policy, domain, conversations = project
    fast = possible_rule_keys(RulePolicy._get_possible_keys)
    states = domain.states_for_tracker_history(next(every_point(conversations)))
    lookup = {'[{"prev_action": {"action_name": "a"}}]': "b"}
    assert fast(policy, lookup, states) == RulePolicy._get_possible_keys(policy, lookup, states)
    lookup['[{}, {"prev_action": {"action_name": "action_listen"}}]'] = "c"
    assert fast(policy, lookup, states) == RulePolicy._get_possible_keys(policy, lookup, states)


def test_a_policy_with_its_own_rule_check_keeps_rasas_search(project):
    policy, domain, _ = project

    class Custom(RulePolicy):
        def _is_rule_applicable(self, rule_key, turn_index, conversation_state):
            return False

    fast = possible_rule_keys(lambda self, lookup, states: {"rasa's"})
    custom = Custom.__new__(Custom)
    assert fast(custom, {"k": "v"}, [{}]) == {"rasa's"}


def test_recent_states_are_built_once_for_both_rule_searches_after_a_message(project, monkeypatch):
    """Right after a message RulePolicy searches its rules by text, then by intent: one
    replay of the events serves both, and events added later are replayed onto it."""
    policy, domain, conversations = project
    rasas = RulePolicy._prediction_states
    monkeypatch.setattr(
        RulePolicy, "_prediction_states", recent_prediction_states(RulePolicy._prediction_states)
    )
    after_message = [
        t for t in every_point(conversations) if t.latest_action_name == "action_listen"
    ]
    tracker = copy_as_it_stands(
        next(t for t in after_message if t.latest_message.intent.get("name"))
    )
    replayed = []
    monkeypatch.setattr(
        tracker, "init_copy", lambda: replayed.append(1) or DialogueStateTracker.init_copy(tracker)
    )
    policy.predict_action_probabilities(tracker, domain)
    text_states = policy._prediction_states(tracker, domain, True)
    intent_states = policy._prediction_states(tracker, domain, False)
    assert replayed == [1]  # still the one replay
    assert text_states != intent_states  # each got its own copy to trim
    for use_text, states in ((True, text_states), (False, intent_states)):
        full = rasas(policy, tracker, domain, use_text)
        assert states == full[-len(states) :]
    tracker.update(ActionExecuted("utter_greet"))
    tracker.update(ActionExecuted("action_listen"))
    states = policy._prediction_states(tracker, domain, False)
    assert replayed == [1]  # continued, not started again
    assert states == rasas(policy, tracker, domain, False)[-len(states) :]


@pytest.mark.parametrize("count", [1, 2, 5, 12])
def test_a_replay_continued_event_by_event_gives_rasas_states(project, count):
    """Each story's events added one at a time to one tracker, with the states asked for
    after each: forms undoing their earlier executions, rewinds and restarts included."""
    _, domain, conversations = project
    stories = [every_point([c]) for c in conversations]
    asked = 0
    for points in stories:
        story = list(points)[-1]
        tracker = DialogueStateTracker(story.sender_id, domain.slots)
        for event in story.events:
            tracker.update(event)
            expected = domain.states_for_tracker_history(tracker)[-count:]
            assert rule_states.remembered_recent_states(tracker, domain, count) == expected
            asked += 1
    assert asked > 500


def test_a_copy_of_the_tracker_gets_a_replay_of_its_own(project):
    _, domain, conversations = project
    tracker = next(t for t in every_point(conversations) if len(t.events) > 10)
    tracker = copy_as_it_stands(tracker)
    rule_states.remembered_recent_states(tracker, domain, 5)
    copied = copy_as_it_stands(tracker)  # shares the attributes, the replay with them
    copied.update(ActionExecuted("utter_greet"))
    assert (
        rule_states.remembered_recent_states(copied, domain, 5)
        == (domain.states_for_tracker_history(copied)[-5:])
    )
    assert copied.__dict__[rule_states.REPLAY] is not tracker.__dict__[rule_states.REPLAY]
    assert (
        rule_states.remembered_recent_states(tracker, domain, 5)
        == (domain.states_for_tracker_history(tracker)[-5:])
    )
