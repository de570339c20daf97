import pytest

from bot.nlu_eval import format_report, predicted_label, score


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
