"""`python -m bench.intent_f1 MODEL REPORT`: bot/nlu_eval.py's held-out evaluation, in its own
process, for any model, the stock one included.

Stock Rasa's ResponseSelector has no ``retrieval_intent``, so it files its FAQ prediction
under the key ``default`` rather than ``faq``; Rasa's own ``utter_faq`` action and
``rasa test nlu`` fall back to that key, and so does this evaluation, or every FAQ the
stock model answers right would count as wrong. For the project's model (its selector is
keyed ``faq``) nothing changes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

# rasa.nlu.constants.RESPONSE_SELECTOR_DEFAULT_INTENT, without importing Rasa here
DEFAULT_SELECTOR = "default"
HELD_OUT = "tests/nlu_heldout"


def with_default_selector(parse: dict[str, Any]) -> dict[str, Any]:
    """The parse with a ``default`` selector's prediction also filed under the predicted
    intent when that is the prediction's retrieval intent (``faq`` for ``faq/cost``), as
    Rasa's ActionRetrieveResponse reads it; other intents never use a selector."""
    selectors = parse.get("response_selector") or {}
    intent = (parse.get("intent") or {}).get("name")
    default = selectors.get(DEFAULT_SELECTOR) or {}
    full_name = str((default.get("response") or {}).get("intent_response_key") or "")
    if not intent or intent in selectors or full_name.split("/")[0] != intent:
        return parse
    return {**parse, "response_selector": {**selectors, intent: default}}


def labelling(predicted_label: Callable[[dict[str, Any]], str]) -> Callable[[dict], str]:
    """bot.nlu_eval's labelling, reading the default selector as Rasa does."""
    return lambda parse: predicted_label(with_default_selector(parse))


def main(argv: list[str]) -> int:
    """Evaluate ``argv[0]`` on the held-out set; write the JSON report to ``argv[1]``."""
    from bot import nlu_eval

    model, report = argv
    nlu_eval.predicted_label = labelling(nlu_eval.predicted_label)
    result = nlu_eval.evaluate_model(model, HELD_OUT)
    nlu_eval.write_report(result, report)
    print(nlu_eval.format_report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
