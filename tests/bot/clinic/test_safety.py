import pytest

from bot.clinic.safety import alarm_from_concepts, conversation_triage, screen


def flag(value, severity, negated=False, hypothetical=False):
    return {
        "type": "red_flag",
        "value": value,
        "severity": severity,
        "negated": negated,
        "hypothetical": hypothetical,
    }


SADDLE = flag("saddle_numbness", "emergency")
SUICIDAL = flag("suicidal_thoughts", "crisis")
FEVER = flag("fever", "urgent")


def test_asserted_red_flag_raises_its_alarm():
    assert alarm_from_concepts([SADDLE]) == "emergency"
    assert alarm_from_concepts([FEVER]) == "urgent"


def test_the_most_severe_alarm_wins():
    assert alarm_from_concepts([FEVER, SADDLE]) == "emergency"
    assert alarm_from_concepts([SADDLE, SUICIDAL, FEVER]) == "crisis"


@pytest.mark.parametrize("kind", ["negated", "hypothetical"])
def test_negated_or_hypothetical_flags_raise_nothing(kind):
    assert alarm_from_concepts([flag("bladder_bowel", "emergency", **{kind: True})]) is None


def test_other_concepts_are_ignored():
    sciatica = {"type": "condition", "value": "sciatica", "negated": False}
    assert alarm_from_concepts([sciatica]) is None


def test_patterns_override_any_intent():
    assert screen("faq/side_effects", [SADDLE]) == ("emergency", False)
    assert screen("nlu_fallback", [SUICIDAL]) == ("crisis", False)


def test_classifier_alarm_stands_when_nothing_contradicts_it():
    assert screen("crisis", []) == ("crisis", False)
    assert screen("urgent_symptom", []) == ("urgent", False)


def test_classifier_alarm_is_overruled_by_a_negated_sign_of_the_same_kind():
    negated = flag("bladder_bowel", "emergency", negated=True)
    assert screen("emergency", [negated]) == (None, True)


def test_classifier_alarm_is_overruled_when_the_patterns_judged_the_symptoms():
    one_sided = {"type": "symptom", "value": "numbness", "negated": False}
    assert screen("emergency", [one_sided]) == (None, True)
    negated = {"type": "symptom", "value": "weakness", "negated": True}
    assert screen("emergency", [negated]) == (None, True)


def test_a_denied_medicine_overrules_the_classifier():
    steroid = {"type": "medication", "value": "steroid", "negated": True}
    assert screen("urgent_symptom", [steroid]) == (None, True)


def test_other_concepts_do_not_overrule_the_classifier():
    medicine = {"type": "medication", "value": "amitriptyline", "negated": False}
    assert screen("crisis", [medicine]) == ("crisis", False)


def test_someone_elses_sign_raises_nothing():
    mum = flag("cancer_history", "urgent")
    mum["other_experiencer"] = True
    assert alarm_from_concepts([mum]) is None


def test_no_alarm():
    assert screen("greet", []) == (None, False)
    assert screen(None, []) == (None, False)


def test_the_conversation_triage_is_its_most_severe_alarm():
    assert conversation_triage({}) == "routine"
    assert conversation_triage({"urgent_raised": True}) == "urgent"
    assert conversation_triage({"emergency_raised": True, "urgent_raised": True}) == "emergency"
    assert conversation_triage({"emergency_raised": False}) == "routine"
    assert conversation_triage({"emergency_raised": "yes"}) == "routine"
