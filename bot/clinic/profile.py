"""The clinic profile: the one place that holds facts about the clinic.

Responses in domain.yml refer to these facts as ``{clinic_name}``, ``{clinic_phone}`` and
so on; the response generator (bot/rasa_plugins/nlg.py) and the web app fill them from this profile,
so deploying for another clinic means editing one file.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, HttpUrl, ValidationError, conint, constr, validator

from bot.clinic.opening_hours import WEEKDAYS, OpeningHours, parse_opening_hours

NonEmpty = constr(strip_whitespace=True, min_length=1)
# Monday to Friday, 8 am to 5 pm, as the shipped profile's ``hours`` says
DEFAULT_OPENING_HOURS = {day: "08:00-17:00" for day in WEEKDAYS[:5]}


class ClinicProfileError(ValueError):
    """The clinic profile file is missing or invalid; the message says what to fix."""


class ClinicProfile(BaseModel):
    """Facts about the clinic that the assistant and the web pages may state."""

    name: NonEmpty
    phone: NonEmpty
    hours: NonEmpty
    address: NonEmpty
    website: HttpUrl
    privacy_policy_url: HttpUrl
    # an IANA time zone: "today", review slots and callbacks are in the clinic's time
    timezone: NonEmpty = "America/New_York"
    # how long an unconverted lead is kept, as the consent notice says
    retention_days: conint(ge=1, le=3650) = 180
    # ``hours`` as times (weekday -> "HH:MM-HH:MM"), for the back-office's call-by times
    opening_hours: dict[str, str] = DEFAULT_OPENING_HOURS

    class Config:
        extra = "forbid"
        allow_mutation = False

    @validator("timezone")
    def _known_timezone(cls, value: str) -> str:  # noqa: N805 (pydantic validator)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}, use an IANA name") from error
        return value

    @validator("opening_hours")
    def _valid_opening_hours(cls, value: dict[str, str]) -> dict[str, str]:  # noqa: N805
        parse_opening_hours(value)  # its ValueError names the day or the period to fix
        return value

    def opening(self) -> OpeningHours:
        """The opening hours, parsed (they were checked when the profile was read)."""
        return parse_opening_hours(self.opening_hours)

    def today(self) -> date:
        """Today's date where the clinic is (a visitor's "since March" counts from it)."""
        return datetime.now(ZoneInfo(self.timezone)).date()

    def response_variables(self) -> dict[str, str]:
        """The values that response templates use, each prefixed with ``clinic_``."""
        facts = self.dict(exclude={"opening_hours"})  # ``hours`` says it in words
        return {f"clinic_{key}": str(value) for key, value in facts.items()}


def load_clinic_profile(path: Path) -> ClinicProfile:
    """Read and validate the profile, failing with a message that names the file."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ClinicProfileError(f"clinic profile not found: {path}") from error
    except yaml.YAMLError as error:
        raise ClinicProfileError(f"clinic profile {path} is not valid YAML: {error}") from error
    if not isinstance(raw, dict):
        raise ClinicProfileError(f"clinic profile {path} must be a mapping of fields")
    try:
        return ClinicProfile(**raw)
    except ValidationError as error:
        raise ClinicProfileError(f"clinic profile {path} is invalid:\n{error}") from error
