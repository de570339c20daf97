"""What production mode's tests share: its minimal environment and a TLS certificate."""

from __future__ import annotations

import subprocess
from pathlib import Path

# the services production mode requires (not contacted by the tests that use this)
PRODUCTION = {
    "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/leads",
    "TRACKER_STORE_DB": "postgresql://postgres@127.0.0.1:5432/trackers",
    "LOCK_STORE_URL": "redis://127.0.0.1:6379/1",
    # generated for these tests: production mode requires one
    "ACTION_SERVER_SECRET": "x7Hq2LmP9vRt4WcZ8nYb3KdF6sJa1GeU5oNiQ0",
}


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (and clinic.example), valid for a day, and its key."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=clinic.example"]
        + ["-addext", "subjectAltName=IP:127.0.0.1,DNS:clinic.example"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key
