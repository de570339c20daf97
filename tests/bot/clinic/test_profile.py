from pathlib import Path

import pytest

from bot.clinic.profile import ClinicProfileError, load_clinic_profile

VALID = """\
name: Test Spine Clinic
phone: "(555) 010-0199"
hours: Mon-Fri 9-5
address: 1 Example Road
website: https://test.example
privacy_policy_url: https://test.example/privacy
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "clinic.yml"
    path.write_text(text)
    return path


def test_loads_the_shipped_profile(clinic):
    assert clinic.name and clinic.phone and clinic.hours
    assert str(clinic.privacy_policy_url).startswith("https://")


def test_response_variables_are_prefixed(tmp_path):
    profile = load_clinic_profile(write(tmp_path, VALID))
    variables = profile.response_variables()
    assert variables["clinic_name"] == "Test Spine Clinic"
    assert variables["clinic_phone"] == "(555) 010-0199"
    assert variables["clinic_privacy_policy_url"] == "https://test.example/privacy"


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(ClinicProfileError, match="not found"):
        load_clinic_profile(tmp_path / "nope.yml")


def test_missing_field_is_reported(tmp_path):
    text = VALID.replace('phone: "(555) 010-0199"\n', "")
    with pytest.raises(ClinicProfileError, match="phone"):
        load_clinic_profile(write(tmp_path, text))


def test_blank_field_is_rejected(tmp_path):
    with pytest.raises(ClinicProfileError, match="hours"):
        load_clinic_profile(write(tmp_path, VALID.replace("Mon-Fri 9-5", "'  '")))


def test_unknown_field_is_rejected(tmp_path):
    with pytest.raises(ClinicProfileError, match="fax"):
        load_clinic_profile(write(tmp_path, VALID + "fax: 123\n"))


def test_bad_url_is_rejected(tmp_path):
    with pytest.raises(ClinicProfileError, match="website"):
        load_clinic_profile(write(tmp_path, VALID.replace("https://test.example\n", "nope\n")))


def test_not_a_mapping_is_rejected(tmp_path):
    with pytest.raises(ClinicProfileError, match="mapping"):
        load_clinic_profile(write(tmp_path, "- just\n- a list\n"))


def test_opening_hours_default_to_weekdays_eight_to_five(tmp_path):
    hours = load_clinic_profile(write(tmp_path, VALID)).opening()
    assert [bool(hours.on(day)) for day in range(7)] == [True] * 5 + [False] * 2
    assert hours.on(0)[0].hour == 8 and hours.on(0)[1].hour == 17


def test_the_shipped_opening_hours_are_read(clinic):
    assert clinic.opening().ever_open


def test_bad_opening_hours_are_rejected_with_the_reason(tmp_path):
    text = VALID + "opening_hours:\n  monday: 9 to 5\n"
    with pytest.raises(ClinicProfileError, match="HH:MM-HH:MM"):
        load_clinic_profile(write(tmp_path, text))


def test_opening_hours_are_not_a_response_variable(tmp_path):
    variables = load_clinic_profile(write(tmp_path, VALID)).response_variables()
    assert "clinic_opening_hours" not in variables and "clinic_hours" in variables
