"""The Rasa component on real Rasa Message objects."""

import json

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.component import CLINICAL_CONCEPTS, ClinicalConceptExtractor


def make_component(tmp_path, config=None) -> ClinicalConceptExtractor:
    return ClinicalConceptExtractor.create(
        {**ClinicalConceptExtractor.get_default_config(), **(config or {})},
        LocalModelStorage(tmp_path),
        Resource("clinical_concepts"),
        ExecutionContext(GraphSchema({})),
    )


@pytest.fixture(scope="module")
def component(tmp_path_factory) -> ClinicalConceptExtractor:
    return make_component(tmp_path_factory.mktemp("storage"))


def run(component, text, entities=None) -> Message:
    data = {TEXT: text}
    if entities is not None:
        data[ENTITIES] = entities
    [message] = component.process([Message(data=data)])
    return message


def test_asserted_concepts_become_entities_with_canonical_values(component):
    message = run(component, "I think I have a slipped disc and take Cymbalta")
    entities = {(e["entity"], e["value"]) for e in message.get(ENTITIES)}
    assert entities == {("condition", "herniated_disc"), ("medication", "duloxetine")}
    entity = next(e for e in message.get(ENTITIES) if e["entity"] == "condition")
    assert entity["extractor"] == "ClinicalConceptExtractor"
    assert entity["confidence_entity"] == 1.0
    text = message.get(TEXT)
    assert text[entity["start"] : entity["end"]] == "slipped disc"


def test_entities_of_other_extractors_are_kept(component):
    other = {"entity": "name", "value": "Ann", "start": 0, "end": 3, "extractor": "Regex"}
    message = run(component, "Ann here, I have sciatica", entities=[other])
    assert message.get(ENTITIES)[0] == other
    assert [e["value"] for e in message.get(ENTITIES)[1:]] == ["sciatica"]


def test_negated_and_hypothetical_concepts_are_not_entities(component):
    message = run(component, "I don't have sciatica. Can it cause bladder problems?")
    assert message.get(ENTITIES) == []
    concepts = {c["value"]: c for c in message.get(CLINICAL_CONCEPTS)}
    assert concepts["sciatica"]["negated"] is True
    assert concepts["sciatica"]["asserted"] is False
    assert concepts["bladder_bowel"]["hypothetical"] is True


def test_clinical_concepts_carry_flags_and_red_flag_severity(component):
    message = run(component, "no numbness but I can't hold my urine")
    concepts = message.get(CLINICAL_CONCEPTS)
    assert [(c["type"], c["value"], c["negated"]) for c in concepts] == [
        ("symptom", "numbness", True),
        ("red_flag", "bladder_bowel", False),
    ]
    assert concepts[1]["severity"] == "emergency"
    assert concepts[1]["text"] == "can't hold my urine"
    assert "severity" not in concepts[0]
    assert [e["value"] for e in message.get(ENTITIES)] == ["bladder_bowel"]


def test_crisis_phrase_is_in_the_output(component):
    message = run(component, "i keep thinking everyone would be better off without me")
    output = message.as_dict(only_output_properties=True)
    [flag] = output[CLINICAL_CONCEPTS]
    assert (flag["value"], flag["severity"], flag["asserted"]) == (
        "suicidal_thoughts",
        "crisis",
        True,
    )
    assert output[ENTITIES][0]["entity"] == "red_flag"
    json.dumps(output)  # parse data must be JSON-serialisable for the tracker store


@pytest.mark.parametrize("text", ["", "/greet", '/inform{"condition": "sciatica"}'])
def test_empty_text_and_intent_payloads_add_nothing(component, text):
    message = run(component, text)
    assert message.get(ENTITIES) == []
    assert message.get(CLINICAL_CONCEPTS) == []


def test_several_messages_are_processed(component):
    messages = component.process([Message(data={TEXT: "neck pain"}), Message(data={TEXT: "hello"})])
    assert [[e["value"] for e in m.get(ENTITIES)] for m in messages] == [["neck_pain", "neck"], []]


def test_training_data_passes_through_unchanged(component):
    training_data = TrainingData([Message(data={TEXT: "I have sciatica"})])
    assert component.process_training_data(training_data) is training_data


def test_patterns_dir_from_config(tmp_path):
    patterns = tmp_path / "patterns"
    patterns.mkdir()
    (patterns / "conditions.jsonl").write_text(
        json.dumps({"label": "condition", "pattern": "tarlov cyst", "id": "other"}) + "\n"
    )
    component = make_component(tmp_path, {"patterns_dir": str(patterns)})
    message = run(component, "a tarlov cyst, and sciatica")
    assert [(e["entity"], e["value"]) for e in message.get(ENTITIES)] == [("condition", "other")]


def test_the_component_fits_a_rasa_pipeline():
    """Rasa's own graph validation accepts it as a non-trainable entity extractor."""
    import rasa.engine.validation as validation
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.shared.data import TrainingType

    config = {
        "recipe": "default.v1",
        "language": "en",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "bot.nlu.component.ClinicalConceptExtractor"},
        ],
        "policies": [],
    }
    graph = DefaultV1Recipe().graph_config_for_recipe(config, {}, training_type=TrainingType.NLU)
    validation.validate(graph)
    node = graph.predict_schema.nodes["run_bot.nlu.component.ClinicalConceptExtractor1"]
    assert node.uses is ClinicalConceptExtractor
    assert node.fn == "process"


def test_a_typed_message_starting_with_a_slash_is_read(component):
    message = run(component, "/ I have numbness in my groin")
    assert "saddle_numbness" in {c["value"] for c in message.get(CLINICAL_CONCEPTS)}
    assert run(component, "/affirm").get(CLINICAL_CONCEPTS) == []


def test_a_repeated_phrase_is_reported_once_at_its_first_mention():
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.component import CLINICAL_CONCEPTS, ClinicalConceptExtractor

    text = "no numbness in my groin, " * 60 + "but my back hurts and my back hurts"
    (message,) = ClinicalConceptExtractor({}).process([Message(data={"text": text})])
    concepts = message.get(CLINICAL_CONCEPTS)
    kinds = [(c["type"], c["value"], c["negated"]) for c in concepts]
    assert len(kinds) == len(set(kinds))
    (flag,) = [c for c in concepts if c["type"] == "red_flag"]
    assert flag["negated"] and flag["start"] < 25
    values = [e["value"] for e in message.get("entities")]
    assert len(values) == len(set(values)) and values


def test_the_packaged_patterns_pipeline_is_the_intake_readers_one(component):
    """One pipeline per process: the intake's readers never build a second one on a
    visitor's message (a first build takes seconds)."""
    from bot.intake.mentions import concept_pipeline

    assert component._nlp is concept_pipeline()
