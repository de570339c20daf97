"""What the intake form (bot/intake/form.py) and the consent and contact form
(bot/clinic/lead_form.py) share in reading a message: the reading itself, the intents
neither form reads as an answer, and telling a question from an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Intents a form never reads as an answer: rules answer them (stop, alarms first).
DECLINED_INTENTS = frozenset(
    {
        "stop",
        "emergency",
        "urgent_symptom",
        "crisis",
        "human_handoff",
        "bot_challenge",
        "goodbye",
        "other_language",
    }
)
# a question, also after a word that only opens the sentence ("ok can you tell me...")
_QUESTION = re.compile(
    r"\?\s*$|^\s*(?:(?:ok(?:ay)?|so|and|but|well|hey|hi|oh|um+|uh+|also|then)\s*,?\s+)*"
    r"(what|how|why|when|can|could|does|do|is|are|will|should|would|which|who|where)\b",
    re.IGNORECASE,
)


@dataclass
class Reading:
    """What one message does to a form: slots to set and responses to send."""

    slots: dict[str, Any] = field(default_factory=dict)
    responses: list[str] = field(default_factory=list)

    @property
    def declined(self) -> bool:
        """Nothing read: Rasa rejects the form for this turn and a rule answers."""
        return not self.slots and not self.responses


def looks_like_question(text: str) -> bool:
    """A question rather than an answer ("does it cause weight gain?")."""
    return bool(_QUESTION.search(text))
