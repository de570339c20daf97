"""A reused model says whether what it was trained from has changed since."""

from __future__ import annotations

import json

from bench import training


def project(tmp_path):
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "config.yml").write_text("pipeline: []\n")
    (tmp_path / "domain.yml").write_text("intents: [greet]\n")
    (tmp_path / "data" / "nlu" / "chitchat.yml").write_text("nlu: []\n")
    return tmp_path


def test_the_fingerprint_follows_config_domain_and_data(tmp_path):
    root = project(tmp_path)
    first = training.inputs_fingerprint(root, "config.yml")
    assert training.inputs_fingerprint(root, "config.yml") == first
    (root / "data" / "nlu" / "chitchat.yml").write_text("nlu: [x]\n")
    assert training.inputs_fingerprint(root, "config.yml") != first


def test_reuse_reports_the_recorded_time_and_staleness(tmp_path):
    root = project(tmp_path)
    models = root / "models"
    models.mkdir()
    assert training.reuse(root, "stock", "config.yml", models) is None
    (models / "stock.tar.gz").write_bytes(b"model")
    unknown = training.reuse(root, "stock", "config.yml", models)
    assert unknown.reused and unknown.training_seconds is None and unknown.stale is None
    record = {"training_seconds": 12.5, "inputs": training.inputs_fingerprint(root, "config.yml")}
    (models / "stock.json").write_text(json.dumps(record))
    fresh = training.reuse(root, "stock", "config.yml", models)
    assert fresh.training_seconds == 12.5 and fresh.stale is False
    (root / "config.yml").write_text("pipeline: [changed]\n")
    assert training.reuse(root, "stock", "config.yml", models).stale is True
