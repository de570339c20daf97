import sys

from bot import action_server
from bot.intake import mentions


def test_the_concept_pipeline_is_built_before_rasa_sdk_serves(monkeypatch):
    calls = []
    monkeypatch.setattr(mentions, "concept_pipeline", lambda: calls.append("warm-up"))
    import rasa_sdk.__main__

    monkeypatch.setattr(rasa_sdk.__main__, "main", lambda: calls.append("serve"))
    monkeypatch.setattr(sys, "argv", ["bot.action_server", "--actions", "actions"])
    action_server.main()
    assert calls == ["warm-up", "serve"]
