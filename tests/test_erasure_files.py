"""An erased lead leaves nothing readable in the SQLite files of the default set-up: not
in the databases' free pages, not in their write-ahead logs (bot/db/dialects.py), against
the real servers and `bot leads erase`."""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

from tests.live import say
from tests.visitors import bot, herniated_disc_visitor


def file_bytes(database: Path) -> bytes:
    """The database file and whatever SQLite keeps beside it."""
    return b"".join(
        path.read_bytes()
        for path in (database, database.with_name(database.name + "-wal"))
        if path.exists()
    )


def test_an_erased_lead_is_gone_from_the_files_too(servers, domain, clinic):
    surname = "".join(random.choices(string.ascii_lowercase, k=10)).title()
    sender, _ = herniated_disc_visitor(servers, domain, clinic, name=f"Ana {surname}")
    say(servers, sender, f"my neighbour {surname} drove me here")
    trackers = Path(servers.tracker_store_db)
    leads = Path(servers.database_url.removeprefix("sqlite:///"))
    assert surname.encode() in file_bytes(trackers)
    assert surname.encode() in file_bytes(leads)
    (lead,) = [
        lead
        for lead in json.loads(bot(servers, "leads", "list", "--json"))
        if lead["conversation_id"] == sender
    ]
    bot(servers, "leads", "erase", str(lead["id"]), "--yes")
    assert surname.encode() not in file_bytes(trackers)
    assert surname.encode() not in file_bytes(leads)
