"""Secrets an installation makes for itself when none is configured.

The embedded default (`make run`) needs no secret set by hand: each one is generated
once under var/, readable by its owner only, and every process of the installation
reads the same file.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def generated_secret(var_dir: Path, name: str) -> str:
    """The secret kept in ``var_dir / name``, made on first use: written whole to a file
    of its own, then linked into place, so that processes starting together all read
    the one that got there first."""
    path = var_dir / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="ascii").strip()
