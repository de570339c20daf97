"""Rasa's prediction graph, run node by node in a fixed order instead of through dask.

Why: for every message parsed and every action predicted (3-4 graph runs a turn), Rasa's
``DaskGraphRunner`` works out the minimal sub-graph for its targets again, builds a dask
graph of it, has dask order and schedule the tasks (with its thread-pool machinery, on
one thread) and formats a debug message that prints the whole graph schema, whether or
not debug logging is on. That was ~9% of the Rasa process's CPU under load, more than
all of the project's NLU components together. The graph and its targets never change
once a model is loaded, so the order is worked out once per set of targets, and each
run calls the same nodes, with the same inputs, as dask did.

Installed for the graphs Rasa loads to serve a model (``MessageProcessor``, by
bot/processes/rasa_runtime.py); training keeps Rasa's runner and its hooks.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner

logger = logging.getLogger(__name__)

# each step: a node's name and the names of what it needs, in its call's argument order
Plan = tuple[tuple[str, tuple[str, ...]], ...]


def execution_order(schema: GraphSchema, targets: list[str]) -> Plan:
    """Every node the targets depend on, each after the nodes it needs (depth first,
    in the order the targets and each node's needs are listed)."""
    plan: list[tuple[str, tuple[str, ...]]] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(name: str) -> None:
        if name in placed or name not in schema.nodes:
            return  # done already, or an input of the run
        if name in visiting:
            raise GraphRunError(f"The graph has a cycle through node '{name}'.")
        visiting.add(name)
        needs = tuple(schema.nodes[name].needs.values())
        for needed in needs:
            place(needed)
        visiting.discard(name)
        placed.add(name)
        plan.append((name, needs))

    for target in targets:
        if target not in schema.nodes:
            raise GraphRunError(f"Target '{target}' is not a node of the graph.")
        place(target)
    return tuple(plan)


class SequentialGraphRunner(DaskGraphRunner):
    """``DaskGraphRunner`` whose ``run`` calls the nodes itself, in an order planned once."""

    _plans: dict[tuple[str, ...], Plan]

    def _plan(self, targets: list[str]) -> Plan:
        plans = self.__dict__.setdefault("_plans", {})
        key = tuple(targets)
        plan = plans.get(key)
        if plan is None:
            plan = plans[key] = execution_order(self._graph_schema, targets)
        return plan

    def run(
        self, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
    ) -> dict[str, Any]:
        """The targets' outputs, as ``DaskGraphRunner.run`` returns them."""
        run_targets = targets if targets else self._graph_schema.target_names
        plan = self._plan(run_targets)
        # Rasa's own step: each input checked against the node names and added as
        # (name, value), like a node's output
        graph = dict.fromkeys(self._graph_schema.nodes)
        self._add_inputs_to_graph(inputs, graph)
        values = {name: graph[name] for name in inputs or {}}
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(f"Running graph with inputs: {inputs}, targets: {targets}.")
        try:
            for name, needs in plan:
                # a need that is neither a node nor an input is a literal, as for dask
                values[name] = self._instantiated_nodes[name](
                    *(values.get(needed, needed) for needed in needs)
                )
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(values[target] for target in run_targets)
