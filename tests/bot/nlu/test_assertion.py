"""Negated, hypothetical and someone else's concepts (bot/nlu/assertion.py)."""

import pytest

from bot.nlu.assertion import load_assertion_rules
from bot.nlu.concepts import default_patterns_dir
from tests.bot.nlu import asserted, concepts, find


def status(text, type_, value):
    c = find(text, type_, value)
    return ("negated" if c.negated else "") + ("hypothetical" if c.hypothetical else "") or (
        "asserted"
    )


# ------------------------------------------------------------------ negation
@pytest.mark.parametrize(
    ("text", "type_", "value"),
    [
        ("no numbness", "symptom", "numbness"),
        ("bowels are normal", "red_flag", "bladder_bowel"),
        ("no problems peeing", "red_flag", "bladder_bowel"),
        ("no trouble peeing", "red_flag", "bladder_bowel"),
        ("legs are strong, no weakness", "symptom", "weakness"),
        ("I don't have sciatica", "condition", "sciatica"),
        ("I dont have sciatica", "condition", "sciatica"),
        ("denies fever", "red_flag", "fever"),
        ("never had cancer", "red_flag", "cancer_history"),
        ("my bladder is fine", "red_flag", "bladder_bowel"),
        ("I'm not suicidal", "red_flag", "suicidal_thoughts"),
        ("there is no numbness in my groin", "red_flag", "saddle_numbness"),
        ("I have never used iv drugs", "red_flag", "iv_drug_use"),
        ("no night pain", "red_flag", "night_pain"),
    ],
)
def test_negated(text, type_, value):
    assert status(text, type_, value) == "negated"


def test_negated_tingling_normal_peeing_and_stiff_back():
    text = "no tingling at all and peeing is normal, the back is just stiff"
    assert status(text, "symptom", "tingling") == "negated"
    assert status(text, "red_flag", "bladder_bowel") == "negated"
    assert status(text, "symptom", "stiffness") == "asserted"


def test_negation_ends_at_a_clause_boundary():
    text = "no numbness but my bladder is leaking"
    assert status(text, "symptom", "numbness") == "negated"
    assert status(text, "red_flag", "bladder_bowel") == "asserted"


@pytest.mark.parametrize(
    "text",
    [
        "no numbness and my bladder is leaking",
        "no numbness, my bladder is leaking",
        "no numbness. bladder is leaking",
        "no numbness although my bladder is leaking",
        "no numbness except my bladder is leaking",
        "no fever, bladder leaking",
        "my bladder is leaking and my bowels are fine",
        "No I have numbness in my groin and my bladder is leaking",
    ],
)
def test_negation_does_not_leak_onto_a_reported_red_flag(text):
    assert {c.value for c in concepts(text) if c.type == "red_flag" and c.asserted} & {
        "bladder_bowel",
        "saddle_numbness",
    }, concepts(text)


def test_a_verb_negation_does_not_negate_a_bladder_topic_word():
    """A negated sign can overrule the classifier's alarm, so "can't ... toilet" must not
    come out as "no bladder problem"."""
    for text in ["I can't go to the toilet", "I can't seem to go to the toilet properly"]:
        found = [c for c in concepts(text) if c.value == "bladder_bowel"]
        assert found and all(c.asserted for c in found), found


def test_negation_covers_a_list():
    assert asserted("no numbness, tingling or weakness", "symptom") == set()
    assert asserted("no fever, chills or weight loss", "red_flag") == set()
    assert asserted("my bladder and bowels are fine", "red_flag") == set()


# ------------------------------------------------------------------ negative words inside a symptom
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("can't hold my urine", "bladder_bowel"),
        ("cannot control my bladder", "bladder_bowel"),
        ("i can't feel my groin", "saddle_numbness"),
        ("lost feeling down there", "saddle_numbness"),
        ("no feeling down there", "saddle_numbness"),
        ("can't pee", "bladder_bowel"),
        ("cant pee", "bladder_bowel"),
        ("unable to empty my bladder", "bladder_bowel"),
        ("I haven't been able to pee since this morning", "bladder_bowel"),
        ("I have no control over my bladder", "bladder_bowel"),
        ("I can't feel my legs", "bilateral_leg_symptoms"),
        ("I can't stop thinking about killing myself", "suicidal_thoughts"),
        ("there's no reason to live", "suicidal_thoughts"),
        ("I don't want to live anymore", "suicidal_thoughts"),
        ("no one would miss me", "suicidal_thoughts"),
    ],
)
def test_negative_word_inside_the_symptom_is_asserted(text, value):
    assert status(text, "red_flag", value) == "asserted"


@pytest.mark.parametrize(
    "text",
    [
        "I'm not sure but my groin feels numb",
        "not only my back, I also can't pee",
        "I don't know why but I can't pee",
        "nothing helps and I can't hold my urine",
        "No, I can't pee",
        "no I can't pee",
    ],
)
def test_pseudo_triggers_and_new_reports_do_not_negate(text):
    assert asserted(text, "red_flag"), concepts(text)


# ------------------------------------------------------------------ hypothetical
@pytest.mark.parametrize(
    ("text", "type_", "value"),
    [
        ("could the pills affect my bowels?", "red_flag", "bladder_bowel"),
        ("can it cause bladder issues?", "red_flag", "bladder_bowel"),
        ("what if I get numbness", "symptom", "numbness"),
        ("does duloxetine cause weight loss?", "red_flag", "weight_loss"),
        ("can cymbalta cause erection problems?", "red_flag", "sexual_dysfunction"),
        ("do antidepressants cause suicidal thoughts?", "red_flag", "suicidal_thoughts"),
        ("can it make you suicidal?", "red_flag", "suicidal_thoughts"),
        ("what is the suicide warning on cymbalta", "red_flag", "suicidal_thoughts"),
        ("will the pills make my legs weak?", "red_flag", "bilateral_leg_symptoms"),
        ("is numbness a side effect", "symptom", "numbness"),
        ("could this be cancer?", "red_flag", "cancer_history"),
        ("I'm worried it's cancer", "red_flag", "cancer_history"),
        ("what is sciatica?", "condition", "sciatica"),
        ("does it help with sciatica", "condition", "sciatica"),
        ("if I get a fever should I stop it", "red_flag", "fever"),
    ],
)
def test_hypothetical(text, type_, value):
    assert status(text, type_, value) == "hypothetical"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("is it normal that I can't hold my urine?", "bladder_bowel"),
        ("is it normal my bladder is leaking?", "bladder_bowel"),
        ("should I worry about the numbness in my groin?", "saddle_numbness"),
        ("is it bad that I can't feel my groin", "saddle_numbness"),
        ("can you help me I can't pee", "bladder_bowel"),
        ("can it cause this? I can't pee", "bladder_bowel"),
        ("could the pills be why I can't pee", "bladder_bowel"),
    ],
)
def test_a_report_phrased_as_a_question_is_asserted(text, value):
    assert status(text, "red_flag", value) == "asserted"


def test_a_medicine_in_a_question_stays_asserted():
    text = "what are the side effects of duloxetine?"
    assert status(text, "medication", "duloxetine") == "asserted"


# ------------------------------------------------------------------ someone else
@pytest.mark.parametrize(
    ("text", "type_", "value"),
    [
        ("my mum had cancer", "red_flag", "cancer_history"),
        ("my dad has sciatica", "condition", "sciatica"),
        ("family history of cancer", "red_flag", "cancer_history"),
    ],
)
def test_someone_elses_concept_is_not_asserted(text, type_, value):
    concept = find(text, type_, value)
    assert concept.other_experiencer
    assert not concept.asserted


def test_experiencer_scope_ends_at_the_visitors_own_words():
    text = "my wife noticed my legs are numb"
    assert status(text, "red_flag", "bilateral_leg_symptoms") == "asserted"
    assert "cancer_history" in asserted("my dad had lung cancer and so did I... I had cancer")


# ------------------------------------------------------------------ the rules file
def test_rules_file_loads_and_rejects_unknown_keys(tmp_path):
    rules = load_assertion_rules(default_patterns_dir() / "assertion.yml")
    assert "no" in rules.triggers["negation_pre"]
    assert "," in rules.soft_terminators
    bad = tmp_path / "assertion.yml"
    bad.write_text((default_patterns_dir() / "assertion.yml").read_text() + "\nnegatoin: [nope]\n")
    with pytest.raises(ValueError, match="unknown keys"):
        load_assertion_rules(bad)


def test_each_concept_is_checked_only_against_the_triggers_within_reach(monkeypatch):
    """A message repeating a negated phrase hundreds of times costs hundreds of scope
    checks, not concepts times triggers (20,449 checks for this one before)."""
    from bot.nlu import assertion

    calls = {"pre": 0, "post": 0}
    for kind in calls:
        original = getattr(assertion._Context, f"{kind}_scope")

        def counted(self, *args, _original=original, _kind=kind, **kwargs):
            calls[_kind] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(assertion._Context, f"{kind}_scope", counted)
    text = ("no back pain, " * 160)[:2000]
    found = concepts(text)
    rules = load_assertion_rules(default_patterns_dir() / "assertion.yml")
    # each concept meets at most one trigger per position within its two windows
    assert len(found) > 100 and all(c.negated for c in found)
    assert calls["pre"] + calls["post"] <= len(found) * (rules.window + rules.post_window + 2)


# ------------------------------------------------------------------ the past


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("i had sepsis in my twenties", "infection"),
        ("my legs both went numb after surgery back in 2009", "bilateral_leg_symptoms"),
        ("years ago i came off a motorbike", "trauma"),
    ],
)
def test_a_red_flag_of_the_past_is_history(text, value):
    c = find(text, "red_flag", value)
    assert c.historical and not c.asserted


def test_the_past_reaches_only_its_own_part_of_the_clause():
    c = find("i can't hold my wee, i had a bad fall years ago", "red_flag", "bladder_bowel")
    assert c.asserted


def test_the_present_in_the_clause_keeps_it_a_report():
    c = find(
        "both legs went numb in 2010 and again this week", "red_flag", "bilateral_leg_symptoms"
    )
    assert c.asserted


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("i had cancer years ago", "cancer_history"),
        ("i tried to kill myself as a teenager", "suicidal_thoughts"),
    ],
)
def test_signs_that_matter_whenever_they_happened_are_not_history(text, value):
    assert find(text, "red_flag", value).asserted


def test_an_example_after_a_question_asks_too():
    c = find("can duloxetine affect the bladder? like trouble peeing?", "red_flag", "bladder_bowel")
    assert c.hypothetical


def test_a_report_after_a_question_is_a_report():
    text = "could it be the pills? like i can't pee at all since monday"
    assert find(text, "red_flag", "bladder_bowel").asserted
