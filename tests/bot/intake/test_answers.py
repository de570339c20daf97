from datetime import date

import pytest

from bot.intake.answers import (
    ACUTE,
    CHRONIC,
    SUBACUTE,
    Duration,
    duration_category,
    is_skip,
    only_a_long_time,
    pain_score_out_of_range,
    parse_duration,
    parse_imaging,
    parse_pain_score,
    parse_treatments,
    parse_when,
    parse_yes_no,
    point_in_time,
)

TODAY = date(2026, 11, 27)  # a Friday, the day after Thanksgiving


def weeks_since(start, today=TODAY):
    return round((today - start).days / 7, 2)


# --- duration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weeks", "category"),
    [
        (0.0, ACUTE),
        (5.99, ACUTE),
        (6.0, SUBACUTE),
        (12.0, SUBACUTE),
        (12.01, CHRONIC),
        (52.18, CHRONIC),
    ],
)
def test_duration_category_boundaries(weeks, category):
    assert duration_category(weeks) == category


@pytest.mark.parametrize(
    ("text", "weeks", "category"),
    [
        ("3 months", 13.05, CHRONIC),
        ("three months", 13.05, CHRONIC),
        ("3months", 13.05, CHRONIC),
        ("3 m", 13.05, CHRONIC),
        ("2 yrs", 104.36, CHRONIC),
        ("6 wks", 6.0, SUBACUTE),
        ("10 days", 1.43, ACUTE),
        ("1 week", 1.0, ACUTE),
        ("a year", 52.18, CHRONIC),
        ("an hour", 0.01, ACUTE),
        ("18 months", 78.27, CHRONIC),
        ("1.5 years", 78.27, CHRONIC),
        ("one and a half years", 78.27, CHRONIC),
        ("a year and a half", 78.27, CHRONIC),
        ("half a year", 26.09, CHRONIC),
        ("2-3 weeks", 3.0, ACUTE),
        ("2 or 3 weeks", 3.0, ACUTE),
        ("between 2 and 3 weeks", 3.0, ACUTE),
        ("a week or two", 2.0, ACUTE),
        ("about 4 months", 17.39, CHRONIC),
        ("over a year", 52.18, CHRONIC),
        ("more than 2 years", 104.36, CHRONIC),
        ("almost 3 months", 13.05, CHRONIC),
        ("for the past 5 weeks", 5.0, ACUTE),
        ("for 2 months now", 8.7, SUBACUTE),
        ("since 3 weeks", 3.0, ACUTE),
        ("started 2 weeks ago", 2.0, ACUTE),
        ("1 year and 3 months", 65.23, CHRONIC),
        ("twenty five years", 1304.5, CHRONIC),
        ("twenty-five years", 1304.5, CHRONIC),
        ("thirty days", 4.29, ACUTE),
        ("a fortnight", 2.0, ACUTE),
        ("8 weeks", 8.0, SUBACUTE),
        ("exactly 12 weeks", 12.0, SUBACUTE),
        ("13 weeks", 13.0, CHRONIC),
        ("6 weeks", 6.0, SUBACUTE),
        ("6 Weeks", 6.0, SUBACUTE),
    ],
)
def test_counted_durations(text, weeks, category):
    assert parse_duration(text, TODAY) == Duration(text, weeks, category)


@pytest.mark.parametrize(
    ("text", "weeks", "category"),
    [
        ("a couple of weeks", 2.0, ACUTE),
        ("couple weeks", 2.0, ACUTE),
        ("a few days", 0.43, ACUTE),
        ("few months", 13.05, CHRONIC),
        ("several weeks", 4.0, ACUTE),
        ("many years", 156.54, CHRONIC),
        ("a long time", 52.18, CHRONIC),
        ("forever", 52.18, CHRONIC),
        ("ages", 52.18, CHRONIC),
        ("for ages now", 52.18, CHRONIC),
        ("years", 104.36, CHRONIC),
        ("for years", 104.36, CHRONIC),
        ("months", 9.0, SUBACUTE),
        ("for months now", 9.0, SUBACUTE),
        ("weeks", 3.0, ACUTE),
        ("days", 0.5, ACUTE),
        ("today", 0.1, ACUTE),
        ("this morning", 0.1, ACUTE),
        ("since this morning", 0.1, ACUTE),
        ("just started", 0.1, ACUTE),
    ],
)
def test_vague_durations(text, weeks, category):
    assert parse_duration(text, TODAY) == Duration(text, weeks, category)


@pytest.mark.parametrize(
    ("text", "start", "category"),
    [
        ("since yesterday", date(2026, 11, 26), ACUTE),
        ("last night", date(2026, 11, 26), ACUTE),
        ("the day before yesterday", date(2026, 11, 25), ACUTE),
        ("since monday", date(2026, 11, 23), ACUTE),
        ("since the weekend", date(2026, 11, 21), ACUTE),
        ("since thanksgiving", date(2026, 11, 26), ACUTE),
        ("since last summer", date(2026, 7, 15), CHRONIC),
        ("since summer", date(2026, 7, 15), CHRONIC),
        ("since i had a fall last summer", date(2026, 7, 15), CHRONIC),
        ("last winter", date(2026, 1, 15), CHRONIC),
        ("since last spring", date(2026, 4, 15), CHRONIC),
        ("since the fall", date(2026, 10, 15), SUBACUTE),
        # fall is still going on in late November: "last fall" is the previous one
        ("since last fall", date(2025, 10, 15), CHRONIC),
        ("last autumn", date(2025, 10, 15), CHRONIC),
        ("since march", date(2026, 3, 15), CHRONIC),
        ("since March 2025", date(2025, 3, 15), CHRONIC),
        ("since late march", date(2026, 3, 25), CHRONIC),
        ("since march 3rd", date(2026, 3, 3), CHRONIC),
        ("since november", date(2026, 11, 15), ACUTE),
        ("since december", date(2025, 12, 15), CHRONIC),
        ("since the accident in may", date(2026, 5, 15), CHRONIC),
        ("since 2023", date(2023, 7, 1), CHRONIC),
        ("since 2026", date(2026, 7, 1), CHRONIC),
        ("since christmas", date(2025, 12, 25), CHRONIC),
        ("since new year", date(2026, 1, 1), CHRONIC),
        ("since New Year's", date(2026, 1, 1), CHRONIC),
    ],
)
def test_durations_from_a_start(text, start, category):
    assert parse_duration(text, TODAY) == Duration(text, weeks_since(start), category)


@pytest.mark.parametrize(
    ("text", "weeks", "category"),
    [
        ("since last week", 1.0, ACUTE),
        ("since last month", 4.35, ACUTE),
        ("since last year", 52.18, CHRONIC),
    ],
)
def test_last_unit_counts_one_unit(text, weeks, category):
    assert parse_duration(text, TODAY) == Duration(text, weeks, category)


@pytest.mark.parametrize(
    ("text", "today", "start"),
    [
        ("since summer", date(2026, 8, 1), date(2026, 7, 15)),
        ("since last summer", date(2026, 8, 1), date(2025, 7, 15)),
        ("since last summer", date(2026, 7, 1), date(2025, 7, 15)),
        ("since last march", date(2026, 3, 20), date(2025, 3, 15)),
        ("since march", date(2026, 3, 20), date(2026, 3, 15)),
        ("since march", date(2026, 3, 10), date(2025, 3, 15)),
        ("since last winter", date(2027, 1, 20), date(2026, 1, 15)),
    ],
)
def test_seasons_and_months_depend_on_today(text, today, start):
    found = parse_duration(text, today)
    assert found is not None
    assert found.weeks == weeks_since(start, today)


def test_raw_keeps_the_visitors_words_stripped():
    found = parse_duration("  About 4 Months \n", TODAY)
    assert found == Duration("About 4 Months", 17.39, CHRONIC)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "asdfgh",
        "it hurts",
        "bad",
        "since i was 20",
        "i was 20 years old when it started",
        "i may have hurt it",
        "since my fall",
        "dont know",
        "since march 2027",
    ],
)
def test_no_duration(text):
    assert parse_duration(text, TODAY) is None


# --- pain score ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("7", 7),
        ("7/10", 7),
        ("7 out of 10", 7),
        ("7ish", 7),
        ("about a 6", 6),
        ("seven", 7),
        ("Seven", 7),
        ("its an 8", 8),
        ("it's an 8", 8),
        ("8 today", 8),
        ("0", 0),
        ("zero", 0),
        ("no pain right now", 0),
        ("ten", 10),
        ("10", 10),
        ("10/10", 10),
        ("6 or 7", 7),
        ("6-7", 7),
        ("6 - 7", 7),
        ("between 6 and 7", 7),
        ("6 or 7 out of 10", 7),
        ("6.5", 7),
        ("5.4", 5),
        ("a 7 for 3 weeks", 7),
        ("8 out of 10 for 2 weeks", 8),
        ("since 2023 its a 6", 6),
    ],
)
def test_pain_scores(text, score):
    assert parse_pain_score(text) == score
    assert pain_score_out_of_range(text) is False


@pytest.mark.parametrize("text", ["11", "15", "-2", "100", "twenty", "minus 3", "10.5", "9-11"])
def test_pain_scores_off_the_scale(text):
    assert parse_pain_score(text) is None
    assert pain_score_out_of_range(text) is True


@pytest.mark.parametrize(
    "text", ["bad", "a lot", "asdf", "", "3 weeks", "for 2 years", "10 days", "out of 10"]
)
def test_no_pain_score(text):
    assert parse_pain_score(text) is None
    assert pain_score_out_of_range(text) is False


# --- imaging -------------------------------------------------------------------------------


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


# --- when ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("MRI last year", "last year"),
        ("an mri in march", "in march"),
        ("An MRI in March", "in March"),
        ("had a ct 2 weeks ago", "2 weeks ago"),
        ("mri two years ago", "two years ago"),
        ("about 6 months ago", "about 6 months ago"),
        ("a year and a half ago", "a year and a half ago"),
        ("in 2024", "in 2024"),
        ("back in 2019", "back in 2019"),
        ("last month", "last month"),
        ("earlier this year", "earlier this year"),
        ("yesterday", "yesterday"),
        ("a few years back", "a few years back"),
        ("a while ago", "a while ago"),
        ("january 2025", "january 2025"),
        ("in may 2024", "in may 2024"),
        ("late march", "late march"),
        ("march 3rd, 2025", "march 3rd, 2025"),
        ("over the summer", "over the summer"),
        ("in the last 2 weeks", "in the last 2 weeks"),
        ("recently", "recently"),
        ("  about   6 months ago ", "about 6 months ago"),
        ("2 years", "2 years"),
    ],
)
def test_when(text, when):
    assert parse_when(text) == when


@pytest.mark.parametrize("text", ["mri", "asdf", "", "i may have had one", "yes"])
def test_no_when(text):
    assert parse_when(text) is None


# --- treatments ----------------------------------------------------------------------------

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


# --- skip and yes/no -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "skip",
        "Skip!",
        "skip it",
        "pass",
        "next",
        "next question",
        "rather not say",
        "i'd rather not say",
        "prefer not to say",
        "dont know",
        "don't know",
        "i don't know",
        "I don’t know",
        "idk",
        "not sure",
        "no idea",
        "cant remember",
        "can't remember",
        "dunno",
        "n/a",
        "N/A",
        # a value and a doubt: callers parse the value before asking is_skip
        "not sure it was an mri, maybe ct",
    ],
)
def test_skips(text):
    assert is_skip(text) is True


@pytest.mark.parametrize(
    "text", ["3 months", "no", "mri", "yes", "next week", "it will pass", "7", ""]
)
def test_real_answers_are_not_skips(text):
    assert is_skip(text) is False


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("yes", True),
        ("Yes!", True),
        ("yesss", True),
        ("yeah", True),
        ("yep", True),
        ("yup", True),
        ("sure", True),
        ("correct", True),
        ("it does", True),
        ("right", True),
        ("y", True),
        ("Y", True),
        ("absolutely", True),
        ("definitely", True),
        ("yes it does", True),
        ("yes below the knee", True),
        ("no", False),
        ("Nope.", False),
        ("nope", False),
        ("nah", False),
        ("n", False),
        ("it doesn't", False),
        ("it doesnt", False),
        ("not really", False),
        ("no it stays", False),
        ("never", False),
    ],
)
def test_yes_no(text, answer):
    assert parse_yes_no(text) is answer


@pytest.mark.parametrize("text", ["maybe", "not sure", "no idea", "i don't know", "asdf", ""])
def test_neither_yes_nor_no(text):
    assert parse_yes_no(text) is None


@pytest.mark.parametrize("text", ["skip this one", "next one please", "which one do you mean"])
def test_the_pronoun_one_is_no_pain_score(text):
    assert parse_pain_score(text) is None


@pytest.mark.parametrize(("text", "score"), [("one", 1), ("about one", 1), ("one or two", 2)])
def test_one_as_a_number_is_still_a_score(text, score):
    assert parse_pain_score(text) == score


@pytest.mark.parametrize(
    ("text", "when"),
    [("the last one in 2021", "in 2021"), ("back in may", "back in may"), ("for 2 years", None)],
)
def test_point_in_time_is_a_date_not_a_length(text, when):
    assert point_in_time(text) == when


@pytest.mark.parametrize(
    ("text", "vague"),
    [
        ("ages", True),
        ("for a long time now", True),
        ("forever honestly", True),
        ("ages, maybe 2 years", False),
        ("since last spring", False),
        ("since childhood", False),
        ("3 weeks", False),
    ],
)
def test_only_a_long_time(text, vague):
    assert only_a_long_time(text, TODAY) is vague
