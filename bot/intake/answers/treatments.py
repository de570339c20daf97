"""Which treatments the visitor has tried."""

from __future__ import annotations

import re

from bot.intake.answers.text import find_terms, in_order, normalise
from bot.intake.answers.yes_no import is_skip

TREATMENT_ORDER = (
    "medication",
    "antidepressant",
    "physical_therapy",
    "injection",
    "surgery",
    "other",
)
_GENERIC_MEDICATION = "generic_medication"
_TREATMENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "medication",
        re.compile(
            r"\bpain ?killers?\b|\bpain (?:meds|medications?|medicines?|pills|tablets|relievers?)"
            r"\b|\bibuprofen\b|\bibuprophen\b|\badvil\b|\bmotrin\b|\bnaproxen\b|\baleve\b"
            r"|\bnsaids?\b|\banti[\s-]?inflammator(?:y|ies)\b|\btylenol\b|\bacetaminophen\b"
            r"|\bparacetamol\b|\bmuscle relax(?:ant|er)s?\b|\bcyclobenzaprine\b|\bflexeril\b"
            r"|\bmethocarbamol\b|\brobaxin\b|\btizanidine\b|\bgabapentin\b|\bneurontin\b"
            r"|\blyrica\b|\bpregabalin\b|\btramadol\b|\boxycodone\b|\bpercocet\b|\bhydrocodone\b"
            r"|\bvicodin\b|\bcodeine\b|\bmorphine\b|\bopioids?\b|\bopiates?\b|\bnarcotics?\b"
            r"|\bprednisone\b|\bmedrol\b|\bsteroid (?:pills?|tablets?|packs?|dose ?packs?)\b"
            r"|\boral steroids?\b|\bdiclofenac\b|\bvoltaren\b|\bmeloxicam\b|\bcelebrex\b"
            r"|\baspirin\b|\bover the counter\b"
        ),
    ),
    (
        "antidepressant",
        re.compile(
            r"\banti[\s-]?depressants?\b|\bduloxetine\b|\bcymbalta\b|\bamitriptyline\b"
            r"|\belavil\b|\bnortriptyline\b|\bpamelor\b|\bvenlafaxine\b|\beffexor\b|\bsnris?\b"
            r"|\bssris?\b|\btricyclics?\b"
        ),
    ),
    (
        "physical_therapy",
        re.compile(
            r"\bphysical therap(?:y|ist|ies)\b|\bphysio(?:therap(?:y|ist))?s?\b|\bpt\b"
            r"|\bstretch(?:es|ing)?\b|\bexercis(?:e|es|ing)\b|\brehab(?:ilitation)?\b"
        ),
    ),
    (
        "injection",
        re.compile(
            r"\binjections?\b|\binjected\b|\bshots?\b|\bepidurals?\b|\besis?\b|\bcortisone\b"
            r"|\bnerve blocks?\b|\bfacet blocks?\b|\bmedial branch blocks?\b|\brfa\b"
            r"|\bradio ?-?frequency(?: ablation)?\b|\bablations?\b"
        ),
    ),
    (
        "surgery",
        re.compile(
            r"\bsurger(?:y|ies)\b|\boperations?\b|\boperated\b|\bfusions?\b"
            r"|\b(?:micro[\s-]?)?dis[ck]ectom(?:y|ies)\b|\blaminectom(?:y|ies)\b"
            r"|\blaminotomy\b|\bforaminotomy\b|\bdis[ck] replacements?\b"
        ),
    ),
    (
        "other",
        re.compile(
            r"\bchiro(?:practor|practer|practic)?s?\b|\bacupuncture\b|\bdry needling\b"
            r"|\bmassages?\b|\bheat(?:ing)?(?: pads?)?\b|\bice\b|\bicing\b|\btens\b|\byoga\b"
            r"|\bpilates\b|\bosteopath(?:s|y|ic)?\b|\brest(?:ing)?\b|\bbraces?\b"
        ),
    ),
    (
        _GENERIC_MEDICATION,
        re.compile(r"\bmedications?\b|\bmedicines?\b|\bmeds\b|\bpills?\b|\btablets?\b|\bdrugs\b"),
    ),
)
_NOTHING_TRIED = re.compile(
    r"^(?:no|nope|nah|none|nothing|never|not really|not yet|not much|not anything)\b"
    r"|\b(?:nothing|none)\b|\b(?:havent|hasnt|didnt|have not|has not|did not|not) "
    r"(?:tried|done|had|taken|used)\b"
)


def parse_treatments(text: str) -> list[str] | None:
    """Kinds of treatment tried, ["none"], or None when nothing recognisable is said.

    An antidepressant is reported as such, not also as "medication", which needs another
    medicine: "pills" alongside "cymbalta" are taken to be the cymbalta.
    """
    normal = normalise(text)
    reported, denied = find_terms(normal, _TREATMENTS)
    if _GENERIC_MEDICATION in reported and "antidepressant" not in reported:
        reported.add("medication")
    kinds = in_order(reported, TREATMENT_ORDER)
    if kinds:
        return kinds
    if is_skip(text):
        return None
    return ["none"] if denied or _NOTHING_TRIED.search(normal) else None
