import pytest

from bot.intake.answers.imaging import parse_imaging


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("mri", ["mri"]),
        ("MRI", ["mri"]),
        ("m.r.i.", ["mri"]),
        ("magnetic resonance", ["mri"]),
        ("an mri scan", ["mri"]),
        ("mri's", ["mri"]),
        ("ct", ["ct"]),
        ("c.t.", ["ct"]),
        ("cat scan", ["ct"]),
        ("ct scan", ["ct"]),
        ("ct-scan", ["ct"]),
        ("computed tomography", ["ct"]),
        ("x-ray", ["xray"]),
        ("xray", ["xray"]),
        ("x ray", ["xray"]),
        ("xrays", ["xray"]),
        ("x-rays", ["xray"]),
        ("xray's", ["xray"]),
        ("a radiograph", ["xray"]),
        ("mri and an xray", ["mri", "xray"]),
        ("X-ray, then a CT and an MRI", ["mri", "ct", "xray"]),
        ("no mri but an xray", ["xray"]),
        ("an mri last year", ["mri"]),
        ("none", ["none"]),
        ("no", ["none"]),
        ("nope", ["none"]),
        ("nothing", ["none"]),
        ("no scans", ["none"]),
        ("never had one", ["none"]),
        ("haven't had any", ["none"]),
        ("havent had any", ["none"]),
        ("no imaging", ["none"]),
        ("not yet", ["none"]),
        ("never had an mri", ["none"]),
    ],
)
def test_imaging(text, kinds):
    assert parse_imaging(text) == kinds


@pytest.mark.parametrize("text", ["i had a scan", "a scan", "dont know", "no idea", "yes", "asdf"])
def test_no_imaging_kind(text):
    assert parse_imaging(text) is None
