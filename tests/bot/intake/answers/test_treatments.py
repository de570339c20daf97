import pytest

from bot.intake.answers.treatments import parse_treatments

MEDICATIONS = [
    "painkillers",
    "pain killers",
    "pain meds",
    "medication",
    "medications",
    "medicine",
    "medicines",
    "pills",
    "tablets",
    "ibuprofen",
    "Advil",
    "motrin",
    "naproxen",
    "aleve",
    "nsaids",
    "anti-inflammatories",
    "tylenol",
    "acetaminophen",
    "paracetamol",
    "muscle relaxants",
    "cyclobenzaprine",
    "flexeril",
    "gabapentin",
    "lyrica",
    "pregabalin",
    "tramadol",
    "oxycodone",
    "opioids",
    "prednisone",
    "steroid pills",
]
ANTIDEPRESSANTS = [
    "antidepressants",
    "an antidepressant",
    "anti-depressants",
    "duloxetine",
    "cymbalta",
    "amitriptyline",
    "elavil",
    "nortriptyline",
    "venlafaxine",
    "effexor",
    "an snri",
    "ssri",
    "a tricyclic",
    "cymbalta pills",
]
PHYSICAL_THERAPY = [
    "physical therapy",
    "physio",
    "physiotherapy",
    "pt",
    "p.t.",
    "PT",
    "therapist exercises",
    "stretches",
    "stretching",
    "exercises",
    "rehab",
]
INJECTIONS = [
    "injection",
    "injections",
    "shots in my back",
    "epidural",
    "steroid injection",
    "cortisone shot",
    "nerve block",
    "facet injection",
    "rfa",
    "radiofrequency ablation",
]
SURGERIES = [
    "surgery",
    "an operation",
    "they operated",
    "fusion",
    "discectomy",
    "microdiscectomy",
    "micro-discectomy",
    "laminectomy",
    "disc replacement",
]
OTHERS = [
    "chiropractor",
    "chiro",
    "acupuncture",
    "massage",
    "heat",
    "ice",
    "tens",
    "yoga",
    "pilates",
    "osteopath",
    "rest",
    "a brace",
]
NOTHING = [
    "nothing",
    "none",
    "no",
    "nothing yet",
    "haven't tried anything",
    "havent tried anything",
    "not really",
]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [(text, ["medication"]) for text in MEDICATIONS]
    + [(text, ["antidepressant"]) for text in ANTIDEPRESSANTS]
    + [(text, ["physical_therapy"]) for text in PHYSICAL_THERAPY]
    + [(text, ["injection"]) for text in INJECTIONS]
    + [(text, ["surgery"]) for text in SURGERIES]
    + [(text, ["other"]) for text in OTHERS]
    + [(text, ["none"]) for text in NOTHING],
)
def test_each_treatment_word(text, kinds):
    assert parse_treatments(text) == kinds


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("cymbalta and ibuprofen", ["medication", "antidepressant"]),
        ("surgery, physio, then advil", ["medication", "physical_therapy", "surgery"]),
        ("physio, advil and a cortisone shot", ["medication", "physical_therapy", "injection"]),
        ("nothing but ibuprofen", ["medication"]),
        ("no surgery, just physio", ["physical_therapy"]),
        ("never had surgery", ["none"]),
        ("not surgery", ["none"]),
        ("no injections or surgery", ["none"]),
        ("i dont want surgery", ["none"]),
        ("never had injections but i see a chiropractor", ["other"]),
        ("tried pt but it didnt help and injections", ["physical_therapy", "injection"]),
    ],
)
def test_treatment_combinations_and_negation(text, kinds):
    assert parse_treatments(text) == kinds


@pytest.mark.parametrize("text", ["asdf", "dont know", "no idea", ""])
def test_no_treatments(text):
    assert parse_treatments(text) is None
