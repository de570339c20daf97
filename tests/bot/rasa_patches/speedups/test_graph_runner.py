"""The sequential graph runner gives what dask's runner gives, for the served model."""

from __future__ import annotations

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.training import load_data
from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import ExecutionContext, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from bot.rasa_patches.speedups.graph_runner import SequentialGraphRunner, execution_order

MESSAGES = [
    "how long does duloxetine take to work",
    "I have sciatica down my left leg",
    "I can't feel my legs and I wet myself",
    "I don't want to live any more",
    "no numbness at all",
    "yes",
    "3 months",
    "quiero una cita",
    "",
]


def node(needs: dict[str, str], target: bool = False) -> SchemaNode:
    return SchemaNode(
        needs=needs,
        uses=DaskGraphRunner,
        constructor_name="create",
        fn="run",
        config={},
        is_target=target,
    )


@pytest.fixture(scope="module")
def runners(project_root, tmp_path_factory):
    """Rasa's runner and the sequential one, each on the trained model's predict graph."""
    made = {}
    for cls in (DaskGraphRunner, SequentialGraphRunner):
        storage, metadata = LocalModelStorage.from_model_archive(
            tmp_path_factory.mktemp(cls.__name__), project_root / "models" / "assistant.tar.gz"
        )
        context = ExecutionContext(metadata.predict_schema, metadata.model_id)
        made[cls] = (cls.create(metadata.predict_schema, storage, context), metadata)
    return made


def test_parses_are_dasks(runners):
    (dask, metadata), (sequential, _) = runners[DaskGraphRunner], runners[SequentialGraphRunner]
    target = metadata.nlu_target
    tracker = DialogueStateTracker("visitor", [])
    for text in MESSAGES:
        inputs = {"__message__": [UserMessage(text)], "__tracker__": tracker}
        expected = dask.run(inputs, [target])
        got = sequential.run(inputs, [target])
        assert got.keys() == expected.keys() == {target}
        assert [m.as_dict() for m in got[target]] == [m.as_dict() for m in expected[target]]


def test_predictions_are_dasks_along_the_test_stories(runners, project_root):
    (dask, metadata), (sequential, _) = runners[DaskGraphRunner], runners[SequentialGraphRunner]
    importer = TrainingDataImporter.load_from_config(
        str(project_root / "config.yml"),
        str(project_root / "domain.yml"),
        [str(project_root / "tests" / "stories")],
    )
    domain = importer.get_domain()
    target = metadata.core_target
    compared = 0
    for conversation in load_data(importer, domain, augmentation_factor=0)[:20]:
        for prior, _ in conversation.generate_all_prior_trackers():
            # a served conversation's tracker, not training's cached-states one
            tracker = DialogueStateTracker.from_events("visitor", prior.events, domain.slots)
            expected = dask.run({"__tracker__": tracker}, [target])[target]
            got = sequential.run({"__tracker__": tracker}, [target])[target]
            assert (got.probabilities, got.policy_name, got.events) == (
                expected.probabilities,
                expected.policy_name,
                expected.events,
            )
            compared += 1
    assert compared > 100


def test_each_node_comes_after_what_it_needs():
    schema = GraphSchema(
        {
            "a": node({}),
            "b": node({"x": "a", "y": "__input__"}),
            "c": node({"x": "b", "y": "a"}, target=True),
            "unused": node({"x": "a"}),
        }
    )
    plan = execution_order(schema, ["c"])
    assert [name for name, _ in plan] == ["a", "b", "c"]
    assert dict(plan)["b"] == ("a", "__input__")


def test_a_cycle_or_an_unknown_target_is_a_graph_error():
    cyclic = GraphSchema({"a": node({"x": "b"}), "b": node({"x": "a"}, target=True)})
    with pytest.raises(GraphRunError, match="cycle"):
        execution_order(cyclic, ["b"])
    with pytest.raises(GraphRunError, match="not a node"):
        execution_order(cyclic, ["missing"])


def test_an_input_named_like_a_node_is_refused(runners):
    sequential, metadata = runners[SequentialGraphRunner]
    with pytest.raises(GraphRunError, match="clashes"):
        sequential.run({"__message__": metadata.nlu_target}, [metadata.nlu_target])
