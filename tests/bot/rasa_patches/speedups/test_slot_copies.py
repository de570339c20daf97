"""A slot copied by ``__copy__`` is what copy.copy's generic protocol made."""

from __future__ import annotations

import copy

from rasa.shared.core.slots import Slot

from bot.rasa_patches.speedups import slot_copies

VALUES = ["Ana", 3.0, True, ["sciatica", "neck pain"], {"a": 1}, None]


def test_every_slot_of_the_domain_copies_as_before(domain, patched):
    for slot in domain.slots:
        for value in VALUES:
            slot._value = value
            copied = copy.copy(slot)
            assert type(copied) is type(slot) and copied is not slot
            assert copied.__dict__ == slot.__dict__
            assert copied.value is slot.value  # shallow, as copy.copy's protocol
            copied.value = "changed"
            assert slot.value is value


def test_the_copy_matches_the_generic_protocols(domain):
    from bot.rasa_patches import registry

    registry.uninstall()
    assert "__copy__" not in Slot.__dict__
    generic = [copy.copy(slot).__dict__ for slot in domain.slots]
    registry.install(speedups=True)
    assert Slot.__dict__["__copy__"] is slot_copies.copy_slot
    registry.uninstall()
    assert [copy.copy(slot).__dict__ for slot in domain.slots] == generic
