import re
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.language import LanguageGuard, other_language

ROOT = Path(__file__).resolve().parents[3]
ENGLISH_SETS = ["data/nlu/*.yml", "tests/nlu_heldout/*.yml", "tests/safety/*.yml"]
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")

# not in the training data: what visitors writing in other languages might send
OTHER_LANGUAGES = [
    "me duele mucho la espalda",
    "hola, necesito ayuda con mi ciática",
    "¿Cuánto tiempo tarda la duloxetina en funcionar?",
    "Tengo una hernia de disco y mucho dolor",
    "necesito una cita para revisar mi resonancia",
    "puedo hablar con alguien en español",
    "Mi nombre es Juan",
    "Bonjour, j'ai mal au dos depuis trois semaines",
    "Quels sont les effets secondaires de l'amitriptyline ?",
    "je voudrais prendre rendez-vous",
    "Ich habe Rückenschmerzen seit zwei Wochen",
    "Kann ich das Medikament einfach absetzen?",
    "Estou com dor nas costas",
    "Ho mal di schiena da un mese",
    "mijn rug doet pijn",
    "Mam ból pleców od tygodnia",
    "Sırtım çok ağrıyor",
    "У меня болит спина",
    "Tôi bị đau lưng rất nhiều",
    "我的背很痛",
    "腰が痛いです",
    "허리가 아파요",
    "ظهري يؤلمني كثيرا",
    "मेरी पीठ में दर्द है",
]


def english_examples() -> list[str]:
    """Every English example the project has: training, held-out and safety sets."""
    texts = []
    for pattern in ENGLISH_SETS:
        for path in sorted(ROOT.glob(pattern)):
            for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
                if item.get("intent") == "other_language" or not item.get("examples"):
                    continue
                for line in item["examples"].splitlines():
                    if line.strip().startswith("- "):
                        texts.append(ANNOTATION.sub(r"\1", line.strip()[2:]))
    return texts


def test_no_english_example_is_taken_for_another_language():
    texts = english_examples()
    assert len(texts) > 2000
    assert [(t, other_language(t)) for t in texts if other_language(t)] == []


def test_messages_in_other_languages_are_recognised():
    found = [text for text in OTHER_LANGUAGES if other_language(text)]
    assert len(found) / len(OTHER_LANGUAGES) >= 0.9, set(OTHER_LANGUAGES) - set(found)


@pytest.mark.parametrize(
    "text",
    [
        "José Hernández",  # a name is an answer, not a language
        "王伟",
        "gracias",
        "si",
        "ana.garcia@example.org",
        "+34 612 345 678",
        "thanks so much!",
        "nah im good",
        "",
        "😀😀😀",
    ],
)
def test_short_answers_names_and_contacts_are_left_alone(text):
    assert other_language(text) is None


def parsed(text, intent, ranking=(), alarm=None):
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": 0.7})
    message.set("intent_ranking", list(ranking))
    message.set("safety", {"alarm": alarm, "model_overruled": False})
    (out,) = LanguageGuard().process([message])
    return out


def test_a_message_in_another_language_gets_its_intent():
    out = parsed("me duele mucho la espalda desde hace meses", "describe_symptoms")
    assert out.get("intent") == {"name": "other_language", "confidence": 1.0}
    assert out.get("intent_ranking")[0]["name"] == "other_language"
    assert out.get("language") == "es"
    assert "intent" in out.output_properties and "language" in out.output_properties


def test_an_alarm_is_never_replaced():
    out = parsed("no puedo respirar y me duele el pecho", "emergency", alarm="emergency")
    assert out.get("intent")["name"] == "emergency"


def test_the_classifiers_other_language_is_withdrawn_for_english():
    ranking = [
        {"name": "other_language", "confidence": 0.5},
        {"name": "greet", "confidence": 0.4},
    ]
    out = parsed("hello there how are you", "other_language", ranking)
    assert out.get("intent")["name"] == "greet"
    assert [r["name"] for r in out.get("intent_ranking")] == ["greet"]
    assert out.get("language") is None


def test_english_is_left_as_classified():
    out = parsed("how long until duloxetine works", "faq", [{"name": "faq", "confidence": 0.7}])
    assert out.get("intent") == {"name": "faq", "confidence": 0.7}


class RankedDetector:
    """A language model stand-in that ranks languages as told."""

    def __init__(self, ranking):
        self.ranking = ranking

    def detect(self, text, k=1):
        return self.ranking[:k]


@pytest.mark.parametrize(
    ("ranking", "found"),
    [
        # belief split between related languages, none of it English
        ([("es", 0.72), ("fr", 0.12), ("ca", 0.04)], "es"),
        ([("es", 0.85)], "es"),
        # English ranked at all: an answer typed oddly, not another language
        ([("pt", 0.76), ("en", 0.09), ("de", 0.04)], None),
        # no language leads
        ([("es", 0.45), ("it", 0.3), ("pt", 0.1)], None),
        ([("en", 0.95)], None),
    ],
)
def test_split_belief_between_other_languages_counts(monkeypatch, ranking, found):
    ranked = [{"lang": lang, "score": score} for lang, score in ranking]
    monkeypatch.setattr("bot.nlu.language._detector", lambda: RankedDetector(ranked))
    assert other_language("palabras tres cuatro cinco") == found
