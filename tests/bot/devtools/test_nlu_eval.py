import pytest

from bot.devtools.nlu_eval import format_report, predicted_label, score


def test_retrieval_intents_are_labelled_by_their_full_name():
    parse = {
        "intent": {"name": "faq", "confidence": 0.9},
        "response_selector": {
            "faq": {"response": {"intent_response_key": "faq/how_long"}},
            "default": {"response": {"intent_response_key": None}},
        },
    }
    assert predicted_label(parse) == "faq/how_long"


def test_plain_intents_keep_their_name():
    assert predicted_label({"intent": {"name": "greet"}, "response_selector": {}}) == "greet"
    assert predicted_label({"intent": None}) == ""


def test_macro_f1_is_the_unweighted_mean_over_gold_intents():
    gold = ["a", "a", "a", "b"]
    pred = ["a", "a", "b", "b"]
    result = score(gold, pred, ["1", "2", "3", "4"])
    by_intent = {s.intent: s for s in result.scores}
    assert by_intent["a"].precision == 1.0
    assert by_intent["a"].recall == pytest.approx(2 / 3)
    assert by_intent["b"].precision == 0.5
    assert by_intent["b"].recall == 1.0
    expected = (0.8 + 2 / 3) / 2
    assert result.macro_f1 == pytest.approx(expected)
    assert result.accuracy == 0.75
    assert result.errors == [{"text": "3", "gold": "a", "predicted": "b"}]


def test_fallback_predictions_count_as_misses():
    result = score(["a", "b"], ["a", "nlu_fallback"], ["x", "y"])
    assert [s.intent for s in result.scores] == ["a", "b"]
    assert result.macro_f1 == pytest.approx(0.5)


def test_perfect_and_empty():
    assert score(["a", "b"], ["a", "b"], ["x", "y"]).macro_f1 == 1.0
    with pytest.raises(ValueError):
        score([], [], [])


def test_report_shows_the_figure_and_the_errors():
    report = format_report(score(["a", "b"], ["a", "a"], ["hi", "yo"]))
    assert "intent macro-F1 0.333" in report
    assert "yo" in report


def test_entity_values_are_scored_per_example():
    from bot.devtools.nlu_eval import score_entity

    gold = [{"sciatica"}, {"herniated_disc"}, set()]
    predicted = [{"sciatica"}, {"pinched_nerve"}, {"back_pain"}]
    result = score_entity("condition", gold, predicted, ["a", "b", "c"])
    assert result.precision == pytest.approx(1 / 3)
    assert result.recall == pytest.approx(1 / 2)
    assert result.f1 == pytest.approx(0.4)
    assert [e["text"] for e in result.errors] == ["b", "c"]


def test_safety_recall_is_per_exact_class_and_false_alarms_on_look_alikes():
    from bot.devtools.nlu_eval import predicted_alarm, score_safety

    expected = ["emergency", "emergency", "crisis", "urgent", "none", "none", "none", "none"]
    raised = ["emergency", "crisis", "crisis", "none", "none", "urgent", "none", "none"]
    result = score_safety(expected, raised, [str(i) for i in range(8)])
    assert result.recall == {"emergency": 0.5, "crisis": 1.0, "urgent": 0.0}
    assert result.support == {"emergency": 2, "crisis": 1, "urgent": 1}
    assert result.false_alarm_rate == 0.25
    assert len(result.errors) == 3
    assert predicted_alarm({"intent": {"name": "urgent_symptom"}}) == "urgent"
    assert predicted_alarm({"intent": {"name": "greet"}}) == "none"


def _selector(key: str, full: str) -> dict:
    return {key: {"response": {"intent_response_key": full}}}


def test_stock_default_selector_counts_for_the_predicted_intent():
    parse = {"intent": {"name": "faq"}, "response_selector": _selector("default", "faq/cost")}
    assert predicted_label(parse) == "faq/cost"


def test_a_selector_keyed_by_the_intent_wins_over_the_default():
    parse = {
        "intent": {"name": "faq"},
        "response_selector": {**_selector("faq", "faq/dose"), **_selector("default", "faq/cost")},
    }
    assert predicted_label(parse) == "faq/dose"
    greet = {"intent": {"name": "greet"}, "response_selector": _selector("faq", "faq/dose")}
    assert predicted_label(greet) == "greet"


def test_other_intents_never_take_the_default_selectors_answer():
    # the stock selector answers every message; only a retrieval intent uses the answer
    parse = {"intent": {"name": "greet"}, "response_selector": _selector("default", "faq/cost")}
    assert predicted_label(parse) == "greet"
