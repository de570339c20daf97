"""The action server's entry point: rasa-sdk's own, after a warm-up.

Importing spaCy imports TensorFlow (thinc looks for it), which takes 15-20 seconds on a
small machine. Done lazily, that wait fell on the first visitor whose message needed the
intake's reading after a restart, long enough for the widget to give up. Here it happens
before the server listens, so `make run`'s readiness check (and a load balancer's)
waits for it instead.
"""

from __future__ import annotations


def main() -> None:
    from rasa_sdk.__main__ import main as serve

    from bot.intake.mentions import concept_pipeline

    concept_pipeline()
    serve()


if __name__ == "__main__":
    main()
