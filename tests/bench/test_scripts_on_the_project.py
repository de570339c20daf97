"""The bench's scripts against the real servers of `make run`: the project gives every
response they expect, so that the benchmark's divergence counts only the stock model's
differences (a script left behind by a change of the conversation would count the
project's own replies as divergent)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from bench import visitors

ROOT = Path(__file__).resolve().parents[2]
# review slots for the booking script, on a day no other test books
SLOT_DAY = date.today() + timedelta(days=230)


def test_the_project_gives_every_response_the_scripts_expect(servers):
    env = {**os.environ, "DATABASE_URL": servers.database_url}
    bot = str(Path(sys.executable).with_name("bot"))
    for hour in ("09:00", "10:00", "11:00"):
        subprocess.run(
            [bot, "slots", "add", "--at", f"{SLOT_DAY.isoformat()} {hour}"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    scripts = [*visitors.conversation_plan(4), visitors.long_chat(12)]
    patterns = visitors.response_patterns(ROOT / "domain.yml")
    url = servers.rasa_url.rstrip("/") + "/webhooks/rest/webhook"
    conversations = asyncio.run(visitors.run_sequentially(url, scripts, patterns, "scripts"))
    turns = [turn for conversation in conversations for turn in conversation]
    assert all(turn.ok for turn in turns), [t for t in turns if not t.ok]
    assert not [(t.kind, t.number, t.sent) for t in turns if t.divergent]
