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
def _tokenizer() -> tuple[Any, frozenset[str]]:
    """spaCy's English tokenizer, made on first use (never at import), and the words its
    exceptions spell."""
    import spacy

    from bot.nlu.unseen_words import tokenizer_words

    tokenizer = spacy.blank("en").tokenizer
    return tokenizer, tokenizer_words(tokenizer)


def words_to_read(text: str) -> int:
    """The tokens (words and punctuation marks) the concept pipeline would read. Every
    other word is counted as its placeholder, which cuts the same: the tokenizer's memory
    does not grow with the words visitors send (bot/nlu/unseen_words.py)."""
    from bot.nlu.concepts import make_doc_text

    tokenizer, exceptions = _tokenizer()
    doc = tokenizer(make_doc_text(text, exceptions.__contains__))
    return sum(1 for token in doc if not token.is_space)
