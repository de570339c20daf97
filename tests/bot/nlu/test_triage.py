from rasa.shared.nlu.training_data.message import Message

from bot.nlu.triage import SafetyTriage


def message(intent, ranking, concepts):
    msg = Message(data={"text": "..."})
    msg.set("intent", {"name": intent, "confidence": 0.9})
    msg.set("intent_ranking", ranking)
    msg.set("clinical_concepts", concepts)
    return msg


def red_flag(severity, **flags):
    return {"type": "red_flag", "value": "x", "severity": severity, **flags}


def run(msg):
    (out,) = SafetyTriage().process([msg])
    return out


RANKING = [
    {"name": "emergency", "confidence": 0.6},
    {"name": "faq", "confidence": 0.3},
    {"name": "describe_symptoms", "confidence": 0.1},
]


def test_asserted_sign_overrides_the_intent():
    out = run(message("faq", RANKING[1:], [red_flag("emergency")]))
    assert out.get("intent") == {"name": "emergency", "confidence": 1.0}
    assert out.get("intent_ranking")[0]["name"] == "emergency"
    assert out.get("safety") == {"alarm": "emergency", "model_overruled": False}
    assert "intent" in out.output_properties and "safety" in out.output_properties


def test_crisis_maps_to_its_intent():
    out = run(message("nlu_fallback", [], [red_flag("crisis")]))
    assert out.get("intent")["name"] == "crisis"


def test_urgent_maps_to_urgent_symptom():
    out = run(message("describe_symptoms", [], [red_flag("urgent")]))
    assert out.get("intent")["name"] == "urgent_symptom"


def test_negated_sign_overrules_a_classifier_alarm():
    out = run(message("emergency", RANKING, [red_flag("emergency", negated=True)]))
    assert out.get("intent") == {"name": "faq", "confidence": 0.3}
    assert [r["name"] for r in out.get("intent_ranking")] == ["faq", "describe_symptoms"]
    assert out.get("safety") == {"alarm": None, "model_overruled": True}


def test_nothing_to_say_leaves_the_message_alone():
    out = run(message("greet", [{"name": "greet", "confidence": 0.9}], []))
    assert out.get("intent") == {"name": "greet", "confidence": 0.9}
    assert out.get("safety") == {"alarm": None, "model_overruled": False}
