"""The project's stories and rules as Rasa's trackers, for tests that compare what our
fixes to Rasa compute with what Rasa computes at every point of a conversation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from rasa.core.training import load_data
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter


def load_trackers(root: Path, data: str, domain: Domain | None = None) -> tuple[Domain, Any]:
    """The domain (the project's unless given) and ``data``'s stories as trackers."""
    importer = TrainingDataImporter.load_from_config(
        str(root / "config.yml"), str(root / "domain.yml"), [str(root / data)]
    )
    domain = domain or importer.get_domain()
    return domain, load_data(importer, domain, augmentation_factor=0)


def every_point(conversations: Iterable[Any]) -> Iterator[DialogueStateTracker]:
    """Each conversation as it stood before each of its actions, and at its end."""
    for conversation in conversations:
        for prior, _ in conversation.generate_all_prior_trackers():
            yield prior
