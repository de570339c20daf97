"""What every action module needs from the application, loaded once per process."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache

from bot.clinic import ClinicProfile, load_clinic_profile
from bot.settings import Settings, load_settings


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The action server's settings (environment read once)."""
    return load_settings()


@lru_cache(maxsize=1)
def clinic_profile() -> ClinicProfile:
    """The clinic profile, read once per action-server process."""
    return load_clinic_profile(settings().clinic_profile)


def utc_now() -> datetime:
    """Now, timezone-aware, for consent times and bookings."""
    return datetime.now(timezone.utc)
