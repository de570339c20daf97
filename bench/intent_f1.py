"""`python -m bench.intent_f1 MODEL REPORT`: bot/devtools/nlu_eval.py's held-out evaluation in its
own process, for any model, the stock one included (bot.devtools.nlu_eval.predicted_label reads the
stock selector's ``default`` key as Rasa does), so that the bench's own memory stays small."""

from __future__ import annotations

import sys

HELD_OUT = "tests/nlu_heldout"


def main(argv: list[str]) -> int:
    """Evaluate ``argv[0]`` on the held-out set; write the JSON report to ``argv[1]``."""
    from bot.devtools import nlu_eval

    model, report = argv
    result = nlu_eval.evaluate_model(model, HELD_OUT)
    nlu_eval.write_report(result, report)
    print(nlu_eval.format_report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
