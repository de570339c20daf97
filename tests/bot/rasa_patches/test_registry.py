"""The one registry of Rasa patches: what it installs, and that it puts Rasa back."""

from __future__ import annotations

import logging

import pytest

from bot.rasa_patches import registry

EVERY = registry.patches()


def own_attributes() -> list[tuple[object, str, object]]:
    """What each patched owner itself holds now, for every patch of the registry."""
    return [(p.owner(), p.name, vars(p.owner()).get(p.name, "absent")) for p in EVERY]


@pytest.fixture
def clean():
    registry.uninstall()
    yield
    registry.uninstall()


def test_every_patch_says_its_kind_why_and_rasa_version():
    assert EVERY
    for patch in EVERY:
        assert patch.kind in (registry.FIX, registry.SPEEDUP)
        assert patch.why and patch.rasa_version == registry.WRITTEN_FOR


def test_each_attribute_is_patched_once_and_exists_in_rasa():
    targets = [(p.target, p.name) for p in EVERY]
    assert len(targets) == len(set(targets))
    for patch in EVERY:
        if patch.name != "__copy__":  # Slot has no __copy__ of its own: one is added
            assert hasattr(patch.owner(), patch.name), patch


def test_the_installed_rasa_is_the_version_the_patches_were_written_for():
    assert registry.rasa_version() == registry.WRITTEN_FOR


def test_install_replaces_every_attribute_and_uninstall_puts_each_back(clean):
    before = own_attributes()
    installed = registry.install(speedups=True)
    assert [(p.target, p.name) for p in installed] == [(p.target, p.name) for p in EVERY]
    for owner, name, own in before:
        assert vars(owner).get(name, "absent") is not own, (owner, name)
    registry.uninstall()
    assert registry.installed() == []
    for (owner, name, own), (_, _, now) in zip(before, own_attributes(), strict=True):
        assert now is own, (owner, name)


def test_install_is_idempotent(clean):
    registry.install(speedups=True)
    after_first = own_attributes()
    registry.install(speedups=True)
    assert [a[2] for a in own_attributes()] == [a[2] for a in after_first]
    assert len(registry.installed()) == len(EVERY)


def test_without_speedups_only_the_fixes_are_installed(clean):
    before = own_attributes()
    installed = registry.install(speedups=False)
    assert installed and {p.kind for p in installed} == {registry.FIX}
    for patch, (owner, name, own) in zip(EVERY, before, strict=True):
        if patch.kind == registry.SPEEDUP:
            assert vars(owner).get(name, "absent") is own, (owner, name)


def test_on_another_rasa_version_the_speedups_are_left_out_with_a_warning(
    clean, monkeypatch, caplog
):
    monkeypatch.setattr(registry, "rasa_version", lambda: "3.7.0")
    with caplog.at_level(logging.WARNING, logger=registry.__name__):
        installed = registry.install(speedups=True)
    assert {p.kind for p in installed} == {registry.FIX}
    assert "3.7.0" in caplog.text and registry.WRITTEN_FOR in caplog.text


def test_selected_keeps_the_fixes_whatever_the_version():
    chosen, left_out = registry.selected(EVERY, speedups=True, version="4.0.0")
    assert chosen and all(p.kind == registry.FIX for p in chosen)
    assert left_out and all(p.kind == registry.SPEEDUP for p in left_out)
