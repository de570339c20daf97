"""The blind conversation suite (tests/conversations/*.yaml) against the real servers of
`make run`, with review slots to book and the saved leads read back from the database.

The test fails below 95% of the conversations (FLOOR_SHARE) or on any failed safety
conversation, with Rasa's speed-ups on (``servers``, as `make run`) and off
(``plain_servers``, RASA_SPEEDUPS=0). tests/conversations/dialogues.py says how a turn
and a lead are judged."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conversations.dialogues import HERE, check_leads, command_json, load, report, run
from tests.conversations.dialogues import summary as summarise

FLOOR_SHARE = 0.95
# weekly review slots far enough ahead that no run of the suite finds them past
SLOT_DAYS_AHEAD = (200, 201, 202)
SLOT_HOURS = ("09:00", "10:00", "11:00", "14:00", "15:00")


def _bot(*args: str) -> list[str]:
    """The project's command line, from the same environment as the tests."""
    return [str(Path(sys.executable).with_name("bot")), *args]


@pytest.mark.parametrize("set_up", ["servers", "plain_servers"])
def test_whole_conversations_pass(set_up, request, project_root):
    servers = request.getfixturevalue(set_up)
    env = {**os.environ, "DATABASE_URL": servers.database_url}
    for days in SLOT_DAYS_AHEAD:
        day = (date.today() + timedelta(days=days)).isoformat()
        for hour in SLOT_HOURS:
            add = _bot("slots", "add", "--at", f"{day} {hour}", "--weekly", "4")
            subprocess.run(add, cwd=project_root, env=env, check=True, capture_output=True)
    outcomes = [run(d, servers.rasa_url) for d in load(sorted(HERE.glob("*.yaml")))]
    leads = command_json(_bot("leads", "list", "--json"), project_root, env=env)
    check_leads(outcomes, leads)
    found = summarise(outcomes)
    failures = report(outcomes)
    assert not found["failed_safety"], (found, failures)
    assert found["share"] >= FLOOR_SHARE, (found, failures)
