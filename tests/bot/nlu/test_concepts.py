"""Concept extraction: canonical values from visitors' phrasings, and no false alarms."""

import json

import pytest
import yaml

from bot.nlu.concepts import (
    CONCEPT_TYPES,
    Concept,
    build_pipeline,
    default_patterns_dir,
    extract,
    load_patterns,
)
from tests.bot.nlu import asserted, concepts, find, pipeline
from tests.bot.nlu.severities import RED_FLAG_SEVERITY

CONDITIONS = {
    "sciatica",
    "herniated_disc",
    "pinched_nerve",
    "degenerative_disc_disease",
    "spinal_stenosis",
    "neck_pain",
    "back_pain",
    "other",
}


# ------------------------------------------------------------------ the four musts
def test_sciatic_pain_down_the_calf_is_sciatica_radiating_to_the_leg():
    text = "sciatic pain running down my right calf"
    assert "sciatica" in asserted(text, "condition")
    assert {"radiating_leg", "below_knee"} <= asserted(text, "symptom")


def test_no_tingling_and_normal_peeing_raises_no_red_flag():
    text = "no tingling at all and peeing is normal, the back is just stiff"
    assert asserted(text, "red_flag") == set()
    assert find(text, "symptom", "tingling").negated
    assert find(text, "red_flag", "bladder_bowel").negated
    assert "stiffness" in asserted(text, "symptom")


def test_lost_feeling_down_there_and_cannot_hold_urine_are_both_emergencies():
    text = "lost feeling down there and can't hold my urine"
    assert {"saddle_numbness", "bladder_bowel"} <= asserted(text, "red_flag")
    assert find(text, "red_flag", "saddle_numbness").severity == "emergency"


def test_better_off_without_me_is_a_crisis():
    text = "i keep thinking everyone would be better off without me"
    flag = find(text, "red_flag", "suicidal_thoughts")
    assert flag.asserted
    assert flag.severity == "crisis"


# ------------------------------------------------------------------ conditions
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("I have sciatica", "sciatica"),
        ("my sciatic nerve is playing up", "sciatica"),
        ("pain shooting down my leg", "sciatica"),
        ("the pain goes from my buttock down to my foot", "sciatica"),
        ("my leg pain is worse than my back pain", "sciatica"),
        ("I have a herniated disc", "herniated_disc"),
        ("ruptured disc", "herniated_disc"),
        ("I had a slipped disc", "herniated_disc"),
        ("a bulging disk", "herniated_disc"),
        ("protruding disc in my neck", "herniated_disc"),
        ("prolapsed disc", "herniated_disc"),
        ("the disc is pushing on a nerve root", "herniated_disc"),
        ("my MRI shows something at L4-L5", "herniated_disc"),
        ("L5-S1", "herniated_disc"),
        ("problem at L4/5", "herniated_disc"),
        ("a pinched nerve", "pinched_nerve"),
        ("compressed nerve in my back", "pinched_nerve"),
        ("they called it radiculopathy", "pinched_nerve"),
        ("tingling in my hand that comes from my neck", "pinched_nerve"),
        ("degenerative disc disease", "degenerative_disc_disease"),
        ("DDD", "degenerative_disc_disease"),
        ("the doctor said wear and tear", "degenerative_disc_disease"),
        ("arthritis in my spine", "degenerative_disc_disease"),
        ("spondylosis", "degenerative_disc_disease"),
        ("spinal stenosis", "spinal_stenosis"),
        ("stenosis", "spinal_stenosis"),
        ("narrowing of the spinal canal", "spinal_stenosis"),
        ("my legs ache when I walk and ease when I sit down", "spinal_stenosis"),
        ("the back of my neck aches every day", "neck_pain"),
        ("neck pain", "neck_pain"),
        ("my lower back hurts", "back_pain"),
        ("I've had back pain for months", "back_pain"),
        ("my back is killing me", "back_pain"),
        ("spondylolisthesis", "other"),
        ("I have scoliosis", "other"),
        ("a compression fracture", "other"),
        ("facet joint syndrome", "other"),
        ("SI joint dysfunction", "other"),
        ("failed back surgery", "other"),
    ],
)
def test_condition_from_visitor_phrasing(text, value):
    assert value in asserted(text, "condition")


def test_generic_pain_is_dropped_when_a_condition_is_named():
    assert asserted("my lower back hurts from a herniated disc", "condition") == {"herniated_disc"}
    assert asserted("neck pain from a pinched nerve", "condition") == {"pinched_nerve"}
    # ...but not when the named condition is denied
    assert asserted("I don't have sciatica, just back pain", "condition") == {"back_pain"}


def test_back_of_the_neck_or_knee_is_not_back_pain():
    assert "back_pain" not in asserted("pain in the back of my neck", "condition")
    assert "back_pain" not in asserted("I have pain in the back of my knee", "condition")


def test_figurative_pain_in_the_neck_is_not_neck_pain():
    assert asserted("filling in forms is a pain in the neck", "condition") == set()


# ------------------------------------------------------------------ symptoms etc.
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("numbness in my foot", "numbness"),
        ("my toes are numb", "numbness"),
        ("tingling in my fingers", "tingling"),
        ("pins and needles", "tingling"),
        ("my leg feels weak", "weakness"),
        ("my knee keeps giving way", "weakness"),
        ("pain spreading into my thigh", "radiating_leg"),
        ("pain from my buttock to my leg", "radiating_leg"),
        ("pain going down my arm", "radiating_arm"),
        ("it goes below the knee", "below_knee"),
        ("pain all the way down to my foot", "below_knee"),
        ("my back is stiff in the morning", "stiffness"),
        ("muscle spasms", "spasm"),
        ("a burning feeling in my leg", "burning"),
    ],
)
def test_symptom(text, value):
    assert value in asserted(text, "symptom")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("my lower back", "lower_back"),
        ("between my shoulder blades", "mid_back"),
        ("upper back", "mid_back"),
        ("my neck", "neck"),
        ("my left leg", "leg"),
        ("my arm", "arm"),
        ("my buttock", "buttock"),
        ("my shoulder", "shoulder"),
        ("my foot", "foot"),
        ("my hand", "hand"),
    ],
)
def test_body_location(text, value):
    assert asserted(text, "body_location") == {value}


def test_figurative_body_words_are_not_locations():
    assert asserted("on the other hand it costs an arm and a leg", "body_location") == set()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("duloxetine", "duloxetine"),
        ("Cymbalta", "duloxetine"),
        ("amitriptyline", "amitriptyline"),
        ("Elavil", "amitriptyline"),
        ("nortriptyline", "nortriptyline"),
        ("Pamelor", "nortriptyline"),
        ("venlafaxine", "venlafaxine"),
        ("Effexor", "venlafaxine"),
        ("an antidepressant", "antidepressant"),
        ("ibuprofen", "nsaid"),
        ("Advil", "nsaid"),
        ("Motrin", "nsaid"),
        ("naproxen", "nsaid"),
        ("Aleve", "nsaid"),
        ("meloxicam", "nsaid"),
        ("Tylenol", "acetaminophen"),
        ("paracetamol", "acetaminophen"),
        ("gabapentin", "gabapentin"),
        ("Neurontin", "gabapentin"),
        ("pregabalin", "pregabalin"),
        ("Lyrica", "pregabalin"),
        ("tramadol", "opioid"),
        ("oxycodone", "opioid"),
        ("hydrocodone", "opioid"),
        ("Percocet", "opioid"),
        ("Vicodin", "opioid"),
        ("cyclobenzaprine", "muscle_relaxant"),
        ("Flexeril", "muscle_relaxant"),
        ("prednisone", "steroid"),
    ],
)
def test_medication(text, value):
    assert asserted(f"I take {text}", "medication") == {value}


# ------------------------------------------------------------------ red flags
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("numbness in my groin", "saddle_numbness"),
        ("tingling in my inner thighs", "saddle_numbness"),
        ("my bum has gone numb", "saddle_numbness"),
        ("numb around my private parts", "saddle_numbness"),
        ("i can't feel my groin", "saddle_numbness"),
        ("no feeling down there", "saddle_numbness"),
        ("it feels different when I wipe", "saddle_numbness"),
        ("pins and needles in my buttocks", "saddle_numbness"),
        ("I can't pee", "bladder_bowel"),
        ("cannot control my bladder", "bladder_bowel"),
        ("unable to empty my bladder", "bladder_bowel"),
        ("I'm leaking urine", "bladder_bowel"),
        ("I wet myself", "bladder_bowel"),
        ("i keep wetting myself", "bladder_bowel"),
        ("I pooped myself", "bladder_bowel"),
        ("lost control of my bowels", "bladder_bowel"),
        ("trouble passing urine", "bladder_bowel"),
        ("i havent peed since yesterday", "bladder_bowel"),
        ("numbness in both legs", "bilateral_leg_symptoms"),
        ("both my legs are tingling", "bilateral_leg_symptoms"),
        ("weakness in my legs", "bilateral_leg_symptoms"),
        ("I can't feel my legs", "bilateral_leg_symptoms"),
        ("my leg weakness is getting worse", "progressive_leg_weakness"),
        ("my leg is getting weaker", "progressive_leg_weakness"),
        ("my leg gives way more and more", "progressive_leg_weakness"),
        ("foot drop getting worse", "progressive_leg_weakness"),
        ("I can't get an erection since my back went", "sexual_dysfunction"),
        ("can't feel anything during sex", "sexual_dysfunction"),
        ("I fell off a ladder", "trauma"),
        ("back pain after a car accident", "trauma"),
        ("I was in a crash last night", "trauma"),
        ("got hit by something at work", "trauma"),
        ("I have chest pain", "chest_pain"),
        ("pain in my chest", "chest_pain"),
        ("I have a fever", "fever"),
        ("chills and my back hurts", "fever"),
        ("I feel very unwell", "fever"),
        ("I'm losing weight without trying", "weight_loss"),
        ("I had cancer", "cancer_history"),
        ("history of breast cancer", "cancer_history"),
        ("they found a tumour", "cancer_history"),
        ("I used to inject drugs", "iv_drug_use"),
        ("IV drug use", "iv_drug_use"),
        ("I had a serious infection recently", "infection"),
        ("I have a weakened immune system", "immunosuppressed"),
        ("I'm on chemo", "immunosuppressed"),
        ("I'm HIV positive", "immunosuppressed"),
        ("I take transplant drugs", "immunosuppressed"),
        ("severe pain at night that rest doesn't ease", "night_pain"),
        ("the pain wakes me up at night", "night_pain"),
        ("I have osteoporosis and I slipped", "osteoporosis_injury"),
        ("long-term steroids and I bumped my back", "osteoporosis_injury"),
        ("I want to die", "suicidal_thoughts"),
        ("sometimes I want to kill myself", "suicidal_thoughts"),
        ("I just want to end it all", "suicidal_thoughts"),
        ("I want to end my life", "suicidal_thoughts"),
        ("they'd all be better off without me", "suicidal_thoughts"),
        ("there's no reason to live", "suicidal_thoughts"),
        ("I don't want to be here anymore", "suicidal_thoughts"),
        ("I feel suicidal", "suicidal_thoughts"),
        ("I WANT TO DIE", "suicidal_thoughts"),
        ("i wanna die", "suicidal_thoughts"),
        ("I wish I was dead", "suicidal_thoughts"),
        ("I'm thinking of taking all my pills", "suicidal_thoughts"),
        ("I want to hurt myself", "self_harm"),
        ("I've been cutting myself", "self_harm"),
        ("I think about harming myself", "self_harm"),
        ("self-harm", "self_harm"),
        ("changed feeling when wiping", "saddle_numbness"),
        ("I can't seem to go to the toilet properly", "bladder_bowel"),
        ("no bowel control since last week", "bladder_bowel"),
        ("my bladder doesn't work", "bladder_bowel"),
        ("I don't see the point in living anymore", "suicidal_thoughts"),
        ("there is nothing left for me to live for", "suicidal_thoughts"),
        ("I took too many pills on purpose", "suicidal_thoughts"),
        ("death seems like the only way out", "suicidal_thoughts"),
        ("I just want my life to be over", "suicidal_thoughts"),
        ("I'd rather go to sleep and never wake up", "suicidal_thoughts"),
        ("I won't be around much longer", "suicidal_thoughts"),
        ("pain down both legs", "bilateral_leg_symptoms"),
    ],
)
def test_red_flag_with_its_severity(text, value):
    flag = find(text, "red_flag", value)
    assert flag.asserted, flag
    assert flag.severity == RED_FLAG_SEVERITY[value]


def test_osteoporosis_alone_is_not_an_urgent_red_flag():
    assert "osteoporosis_injury" not in asserted("I have osteoporosis", "red_flag")


@pytest.mark.parametrize(
    "text",
    [
        "this pain is killing me",
        "my back is murder",
        "I could kill for a good night's sleep",
        "this pain is torture",
        "I'm dying to know if it works",
        "this pain is going to kill me",
        "I want to be pain free",
        "I want to kill this pain",
        "I hurt myself lifting a box",
        "I'm scared I'll hurt myself if I exercise",
        "I cut myself shaving",
        "I'd rather not take opioids",
        "I can't wake up in the morning without back pain",
        "I never wake up rested",
        "will the pain be around much longer?",
        "I won't be around next week, can I book later",
        "I want the pain to end",
        "is death the only option for a slipped disc?",
    ],
)
def test_figurative_language_is_not_a_crisis(text):
    flags = {c.value for c in concepts(text) if c.type == "red_flag"}
    assert not flags & {"suicidal_thoughts", "self_harm"}, concepts(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'd like to cancel my appointment",
        "I never had surgery",
        "I had an epidural injection last year",
        "I can't fall asleep at night",
        "I fell asleep on the couch",
        "I'm trying to lose weight",
        "my leg is weaker than the other one",
        "my legs feel heavy when I walk",
        "numbness in the bottom of my foot",
        "I went to pee and my back hurt",
        "the pain comes back in the fall",
        "does duloxetine cause weight loss?",
        "is weight gain a side effect?",
    ],
)
def test_everyday_wording_raises_no_red_flag(text):
    assert asserted(text, "red_flag") == set(), concepts(text)


# ------------------------------------------------------------------ the Concept object
def test_concept_carries_offsets_into_the_original_text():
    text = "Honestly my SCIATICA is bad"
    concept = find(text, "condition", "sciatica")
    assert (concept.start, concept.end, concept.text) == (12, 20, "SCIATICA")
    assert text[concept.start : concept.end] == concept.text


def test_concept_is_frozen_and_asserted_is_derived():
    concept = Concept("symptom", "numbness", "numbness", 0, 8, negated=True)
    assert not concept.asserted
    with pytest.raises(AttributeError):
        concept.negated = False  # type: ignore[misc]
    assert Concept("symptom", "numbness", "numb", 0, 4).asserted


def test_empty_text_has_no_concepts():
    assert extract(pipeline(), "") == []
    assert extract(pipeline(), "   ") == []


# ------------------------------------------------------------------ pattern data
def test_pattern_values_are_the_canonical_ones():
    patterns = load_patterns(default_patterns_dir())
    by_type: dict[str, set[str]] = {}
    for p in patterns:
        by_type.setdefault(p["label"], set()).add(p["id"])
    assert by_type["condition"] == CONDITIONS
    assert by_type["symptom"] == {
        "numbness",
        "tingling",
        "weakness",
        "radiating_leg",
        "radiating_arm",
        "below_knee",
        "stiffness",
        "spasm",
        "burning",
    }
    assert by_type["body_location"] == {
        "lower_back",
        "mid_back",
        "neck",
        "leg",
        "arm",
        "buttock",
        "shoulder",
        "foot",
        "hand",
    }
    assert by_type["medication"] == {
        "duloxetine",
        "amitriptyline",
        "nortriptyline",
        "venlafaxine",
        "antidepressant",
        "nsaid",
        "acetaminophen",
        "gabapentin",
        "pregabalin",
        "opioid",
        "muscle_relaxant",
        "steroid",
    }
    assert by_type["red_flag"] == set(RED_FLAG_SEVERITY)


def test_red_flag_severities_follow_the_domain_brief():
    data = yaml.safe_load((default_patterns_dir() / "red_flags.yml").read_text())
    assert {k: v["severity"] for k, v in data["red_flags"].items()} == RED_FLAG_SEVERITY


def test_pattern_files_are_valid_entity_ruler_jsonl():
    """The concept files load into spaCy's own EntityRuler, so they stay in its format."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "NORM"})
    for path in sorted(default_patterns_dir().glob("*.jsonl")):
        lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        ruler.add_patterns(
            [{k: v for k, v in e.items() if k in ("label", "pattern", "id")} for e in lines]
        )
    assert len(ruler) > 1000
    assert {e.label_ for e in nlp("I have sciatica").ents} == {"condition"}


def test_patterns_from_a_custom_dir(tmp_path):
    entries = [
        {"label": "condition", "pattern": "tarlov cyst", "id": "other"},
        {"label": "red_flag", "pattern": [{"NORM": "hemorrhage"}], "id": "trauma"},
    ]
    (tmp_path / "mine.jsonl").write_text("\n".join(json.dumps(e) for e in entries))
    nlp = build_pipeline(tmp_path)
    found = extract(nlp, "I have a tarlov cyst and no hemorrhage, but sciatica")
    assert [(c.type, c.value, c.asserted) for c in found] == [
        ("condition", "other", True),
        ("red_flag", "trauma", False),
    ]
    # severities and trigger lists fall back to the packaged data files
    assert found[1].severity == "emergency"


def test_custom_dir_errors_are_explicit(tmp_path):
    with pytest.raises(FileNotFoundError):
        build_pipeline(tmp_path)
    (tmp_path / "bad.jsonl").write_text('{"label": "diagnosis", "pattern": "x", "id": "y"}\n')
    with pytest.raises(ValueError, match="unknown label"):
        build_pipeline(tmp_path)
    (tmp_path / "bad.jsonl").write_text('{"label": "red_flag", "pattern": "x", "id": "zzz"}\n')
    with pytest.raises(ValueError, match="without a severity"):
        build_pipeline(tmp_path)


def test_concept_types_are_the_five_public_ones():
    assert CONCEPT_TYPES == ("condition", "symptom", "body_location", "medication", "red_flag")
    labels = {c.type for c in concepts("no cues here, I fell asleep and slipped")}
    assert "cue" not in labels and "exclude" not in labels


@pytest.mark.parametrize(
    "text",
    ["!" * 2000, "help!!!!!!! my back", "😀" * 1000, "?!" * 1000, "Ça va?!?!?!", "no..."],
)
def test_the_tokenised_text_keeps_every_offset_and_few_symbols(text):
    from bot.nlu.concepts import make_doc_text

    made = make_doc_text(text)
    assert len(made) == len(text)
    doc = pipeline().make_doc(made)
    # a run of symbols keeps its first three characters, and so at most three tokens
    assert sum(1 for t in doc if not t.is_space) <= len(text.split()) * 3 + 3


def test_a_red_flag_after_a_run_of_symbols_is_found_at_its_own_offsets():
    text = "!!!!!!!!!!!! 😀😀😀😀😀 I can't feel anything when I wipe"
    (flag,) = [c for c in concepts(text) if c.type == "red_flag"]
    assert flag.asserted and text[flag.start : flag.end] == flag.text
