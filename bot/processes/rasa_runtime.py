"""Rasa's command line with the project's patches: ``python -m bot.processes.rasa_runtime
run ...`` is ``rasa run ...`` (bot/processes/launch.py starts Rasa this way).

The patches are in one registry (bot/rasa_patches/registry.py; why each exists is in
docs/rasa-patches.md). The behaviour fixes are always installed; the speed-ups unless
``RASA_SPEEDUPS=0``, so that a fault can be narrowed to Rasa or to the project by
running without them.
"""

from __future__ import annotations

import sys

from bot.rasa_patches import registry
from bot.settings import load_settings


def install() -> None:
    """Install the patches this process's settings ask for (idempotent)."""
    registry.install(speedups=load_settings().rasa_speedups)


def main(argv: list[str] | None = None) -> None:
    """Run Rasa's command line (``sys.argv`` by default) with the patches installed."""
    install()
    from rasa.__main__ import main as rasa_main

    if argv is not None:
        sys.argv = ["rasa", *argv]
    rasa_main()


if __name__ == "__main__":
    main()
