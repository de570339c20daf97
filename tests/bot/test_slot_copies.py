"""A slot copied by ``__copy__`` is what copy.copy's generic protocol made."""

from __future__ import annotations

import copy

import pytest
from rasa.shared.core.slots import Slot

from bot import slot_copies

VALUES = ["Ana", 3.0, True, ["sciatica", "neck pain"], {"a": 1}, None]


@pytest.fixture
def installed(monkeypatch):
    monkeypatch.delattr(Slot, "__copy__", raising=False)
    generic = copy.copy
    slot_copies.install()
    return generic


def test_every_slot_of_the_domain_copies_as_before(domain, installed):
    for slot in domain.slots:
        for value in VALUES:
            slot._value = value
            copied = copy.copy(slot)
            assert type(copied) is type(slot) and copied is not slot
            assert copied.__dict__ == slot.__dict__
            assert copied.value is slot.value  # shallow, as copy.copy's protocol
            copied.value = "changed"
            assert slot.value is value


def test_the_copy_matches_the_generic_protocols(domain, monkeypatch):
    monkeypatch.delattr(Slot, "__copy__", raising=False)
    generic = [copy.copy(slot).__dict__ for slot in domain.slots]
    slot_copies.install()
    assert "__copy__" in Slot.__dict__
    assert [copy.copy(slot).__dict__ for slot in domain.slots] == generic


def test_a_slot_class_with_its_own_copy_keeps_it(monkeypatch):
    own = lambda self: "own"  # noqa: E731
    monkeypatch.setattr(Slot, "__copy__", own, raising=False)
    slot_copies.install()
    assert Slot.__copy__ is own
