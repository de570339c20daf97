"""The pipeline step that starts the intake on a list of answers the classifier missed."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.intake.mentions import concepts_of
from bot.nlu.component import CLINICAL_CONCEPTS
from bot.nlu.intake_start import IntakeStart, describes_pain, intake_answers


def concepts(text):
    return [c.to_dict() for c in concepts_of(text)]


def parsed(text, intent):
    message = Message({TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": 0.3})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 0.3}])
    message.set(CLINICAL_CONCEPTS, concepts(text))
    return message


def test_the_answers_of_a_whole_description():
    text = "upper neck, into the left arm, 10 weeks, 5 out of 10, numb thumb, had an mri"
    assert intake_answers(text, concepts(text)) >= {
        "pain_location",
        "pain_radiates",
        "pain_duration",
        "pain_score",
        "neuro_symptoms",
        "imaging",
    }


@pytest.mark.parametrize(
    "text",
    [
        "bad lower back pain, 3 weeks, about a 6",
        "slipped disc, tingling down to the foot",
        "mid back, mri in july",
    ],
)
def test_a_list_of_answers_describes_pain(text):
    assert describes_pain(text, concepts(text))


@pytest.mark.parametrize(
    "text",
    [
        "3 weeks",  # one answer, and not about the pain itself
        "about 6 weeks, 7 out of 10",  # no word of where or what
        "my lower back",  # one answer only
        "Maria Lopez",
        "how long before duloxetine works, 2 weeks?",
    ],
)
def test_other_messages_do_not(text):
    assert not describes_pain(text, concepts(text))


@pytest.mark.parametrize("intent", ["nlu_fallback", "inform", "out_of_scope"])
def test_a_missed_description_becomes_describe_symptoms(intent):
    message = parsed("sciatica in the right leg for 4 months, pain 8", intent)
    IntakeStart().override(message)
    assert message.get(INTENT)["name"] == "describe_symptoms"
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == "describe_symptoms"


@pytest.mark.parametrize("intent", ["request_review", "emergency", "crisis"])
def test_other_intents_are_left_alone(intent):
    message = parsed("sciatica in the right leg for 4 months, pain 8", intent)
    IntakeStart().override(message)
    assert message.get(INTENT)["name"] == intent


@pytest.mark.parametrize(
    "text",
    [
        "mid back for about two months, pain around 4, it stays put",
        "sore neck going down into my left hand since march, 6 out of 10",
    ],
)
def test_a_description_taken_for_a_question_becomes_describe_symptoms(text):
    message = parsed(text, "faq")
    IntakeStart().override(message)
    assert message.get(INTENT)["name"] == "describe_symptoms"


@pytest.mark.parametrize(
    "text",
    [
        "sciatica in my right leg for 4 months, pain 8, will duloxetine help",
        "neck pain into the arm for 6 weeks and a 7 out of 10, how long until it works?",
        "lower back pain 3 months",  # too little to be sure it is not about a medicine
    ],
)
def test_a_question_stays_a_question(text):
    message = parsed(text, "faq")
    IntakeStart().override(message)
    assert message.get(INTENT)["name"] == "faq"


def test_a_message_without_intake_answers_keeps_the_fallback():
    message = parsed("purple monkey dishwasher", "nlu_fallback")
    IntakeStart().override(message)
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_the_safety_screen_after_it_still_wins():
    from bot.nlu.triage import SafetyTriage

    message = parsed("lower back and both legs numb, 2 days, pain 9, cant pee", "nlu_fallback")
    IntakeStart().override(message)
    SafetyTriage().override(message)
    assert message.get(INTENT)["name"] == "emergency"


def ranked(text, *intents):
    message = parsed(text, intents[0][0])
    ranking = [{"name": name, "confidence": confidence} for name, confidence in intents]
    message.set(INTENT, ranking[0])
    message.set(INTENT_RANKING_KEY, ranking)
    return message


def test_pain_behind_an_unsure_goodbye_starts_the_intake():
    message = ranked("honestly it all aches", ("goodbye", 0.4), ("describe_symptoms", 0.3))
    IntakeStart().override(message)
    assert message.get(INTENT)["name"] == "describe_symptoms"


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        ("bye, my back hurts less now", [("goodbye", 0.9), ("describe_symptoms", 0.05)]),
        ("thanks so much", [("thank", 0.4), ("describe_symptoms", 0.3)]),  # no pain
        ("bye, will it still hurt tomorrow?", [("goodbye", 0.4), ("describe_symptoms", 0.3)]),
    ],
)
def test_small_talk_is_kept_otherwise(text, ranking):
    message = ranked(text, *ranking)
    IntakeStart().override(message)
    assert message.get(INTENT)["name"] == ranking[0][0]


@pytest.mark.parametrize("text", ["lowr back", "no diagnosys", "abt 6"])
def test_one_answer_the_classifier_missed_is_an_answer(text):
    (out,) = IntakeStart().process([parsed(text, "nlu_fallback")])
    assert out.get(INTENT)["name"] == "inform"


def test_a_booking_told_with_a_time_is_left_for_the_booking_step():
    (out,) = IntakeStart().process([parsed("we made the appointment 2 weeks ago", "nlu_fallback")])
    assert out.get(INTENT)["name"] == "nlu_fallback"


def test_a_message_that_answers_nothing_stays_unknown():
    (out,) = IntakeStart().process([parsed("blue bananas", "nlu_fallback")])
    assert out.get(INTENT)["name"] == "nlu_fallback"


def test_answers_are_read_through_typing_slips():
    text = "lowr back, pinchd nerve, 3 wks"
    assert {"pain_location", "condition", "pain_duration"} <= intake_answers(text, concepts(text))


def test_creating_it_builds_what_its_readers_use(tmp_path):
    """The concept pipeline and the speller are built on model load, not on the first
    message that reaches them."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from bot.intake.spelling import speller
    from bot.nlu.concepts import shared_pipeline

    shared_pipeline.cache_clear()
    speller.cache_clear()
    IntakeStart.create(
        {}, LocalModelStorage(tmp_path), Resource("intake_start"), ExecutionContext(GraphSchema({}))
    )
    assert shared_pipeline.cache_info().currsize == 1
    assert speller.cache_info().currsize == 1
