"""The stock model's FAQ predictions are read as Rasa's own utter_faq action reads them."""

from __future__ import annotations

from bench.intent_f1 import labelling, with_default_selector
from bot.nlu_eval import predicted_label


def selector(key: str, full: str) -> dict:
    return {key: {"response": {"intent_response_key": full}}}


def test_stock_default_selector_counts_for_the_predicted_intent():
    parse = {"intent": {"name": "faq"}, "response_selector": selector("default", "faq/cost")}
    assert predicted_label(parse) == "faq"  # what bot.nlu_eval alone would score
    assert labelling(predicted_label)(parse) == "faq/cost"


def test_the_projects_keyed_selector_is_unchanged():
    parse = {
        "intent": {"name": "faq"},
        "response_selector": {**selector("faq", "faq/dose"), **selector("default", "faq/cost")},
    }
    assert with_default_selector(parse) is parse
    assert labelling(predicted_label)(parse) == "faq/dose"
    greet = {"intent": {"name": "greet"}, "response_selector": selector("faq", "faq/dose")}
    assert labelling(predicted_label)(greet) == "greet"


def test_other_intents_never_take_the_default_selectors_answer():
    # the stock selector answers every message; only a retrieval intent uses the answer
    parse = {"intent": {"name": "greet"}, "response_selector": selector("default", "faq/cost")}
    assert with_default_selector(parse) is parse
    assert labelling(predicted_label)(parse) == "greet"
    assert with_default_selector({"intent": None}) == {"intent": None}
