"""The secret Rasa shows the action server: where it comes from, how it is compared."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor

from bot.processes.action_auth import SECRET_FILE, authorisation, authorised, shared_secret
from bot.settings import load_settings


def test_the_variable_wins(tmp_path):
    settings = load_settings({"ACTION_SERVER_SECRET": "from-the-environment"}, root=tmp_path)
    assert shared_secret(settings) == "from-the-environment"
    assert not (tmp_path / "var" / SECRET_FILE).exists()


def test_without_it_one_secret_is_generated_for_the_installation(tmp_path):
    settings = load_settings({}, root=tmp_path)
    with ThreadPoolExecutor(8) as pool:  # processes starting together agree on it
        found = set(pool.map(lambda _: shared_secret(settings), range(16)))
    (secret,) = found
    assert len(secret) >= 32
    path = tmp_path / "var" / SECRET_FILE
    assert path.read_text() == secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert shared_secret(load_settings({}, root=tmp_path)) == secret


def test_only_the_exact_header_is_authorised():
    assert authorised(authorisation("s" * 40), "s" * 40)
    for header in [None, "", "s" * 40, "Bearer " + "s" * 39, "Bearer " + "t" * 40, "Bearer é"]:
        assert not authorised(header, "s" * 40)
