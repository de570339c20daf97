"""How many words and marks a message holds, as the concept pipeline reads them.

The pipeline's work grows with the number of tokens: spaCy's Matcher tries each of its
~400 token patterns at every token (~55 µs a token on one core), so 2,000 characters of
"a a a ..." (1,000 tokens) cost over 50 ms while 2,000 characters of what visitors write
come to about 400-550 tokens. The chat channels refuse a message of more than
MAX_MESSAGE_WORDS tokens as they refuse one of more than MAX_MESSAGE_CHARS characters,
so that every message costs a small, bounded amount of work whatever its shape.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    """spaCy's English tokenizer, made on first use (never at import)."""
    import spacy

    return spacy.blank("en").tokenizer


def words_to_read(text: str) -> int:
    """The tokens (words and punctuation marks) the concept pipeline would read."""
    from bot.nlu.concepts import make_doc_text

    return sum(1 for token in _tokenizer()(make_doc_text(text)) if not token.is_space)
