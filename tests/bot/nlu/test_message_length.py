"""The number of tokens a message holds, and the channels' refusal of more than the
pipeline reads at once (bot/nlu/message_length.py, bot/rasa_plugins/chat_checks.py)."""

from __future__ import annotations

import pytest

from bot.nlu.message_length import words_to_read
from bot.rasa_plugins.chat_checks import MESSAGE_TOO_LONG, Admitted, ChatGuard
from bot.settings import load_settings
from tests.bot.nlu import pipeline

# what a worried visitor might write, repeated to the character limit
STORY = (
    "Hi, I've had lower back pain for about three months now, and since last week it "
    "shoots down my left leg to the ankle. My GP gave me duloxetine 30 mg, which helps a "
    "little, but I can't sit for long. I had an MRI in March (L4-L5 bulge, 4 mm). "
)


@pytest.mark.parametrize(
    "text",
    [STORY, "a " * 700, "!" * 2000, "a-" * 800, "back pain, " * 90, "😀 " * 600, "l4/l5/" * 300],
)
def test_it_counts_the_tokens_the_concept_pipeline_reads(text):
    from bot.nlu.concepts import make_doc_text

    doc = pipeline().make_doc(make_doc_text(text))
    assert words_to_read(text) == sum(1 for token in doc if not token.is_space)


def guard(tmp_path) -> ChatGuard:
    return ChatGuard("rest", load_settings({}, root=tmp_path))


def test_a_long_story_within_the_character_limit_is_read(tmp_path):
    story = (STORY * 20)[:2000]
    admitted = guard(tmp_path).admit({"sender": "v1", "message": story}, None)
    assert isinstance(admitted, Admitted) and admitted.answer_here is None
    assert words_to_read(story) <= load_settings({}, root=tmp_path).max_message_words


@pytest.mark.parametrize("text", ["a " * 700, "a-" * 800, "no, " * 400, "😀 " * 650])
def test_more_tokens_than_the_limit_are_answered_as_too_long(tmp_path, text):
    assert len(text) <= 2000
    admitted = guard(tmp_path).admit({"sender": "v1", "message": text}, None)
    assert isinstance(admitted, Admitted) and admitted.answer_here == MESSAGE_TOO_LONG


def test_the_limit_is_a_setting(tmp_path):
    settings = load_settings({"MAX_MESSAGE_WORDS": "10"}, root=tmp_path)
    admitted = ChatGuard("rest", settings).admit({"sender": "v", "message": STORY}, None)
    assert admitted.answer_here == MESSAGE_TOO_LONG
