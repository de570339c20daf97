"""Training both models and scoring them on the held-out NLU set.

Both are trained the same way, by `bot rasa train` from the same data, so the only
difference is the configuration; Rasa's training cache is switched off and training
forced, or a model trained earlier by `make train` would make the project's look free.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from tests.visitors import BOT


@dataclass
class TrainedModel:
    """A model the bench serves, how long it took to train, and whether this run did it."""

    name: str
    config: str
    path: Path
    training_seconds: float | None
    reused: bool
    intent_macro_f1: float | None = None
    # a reused model whose configuration, domain or data changed since (None: unknown)
    stale: bool | None = False

    def as_json(self) -> dict[str, object]:
        """Plain values for results.json."""
        return {**asdict(self), "path": str(self.path)}


def _record_path(out_dir: Path, name: str) -> Path:
    return out_dir / f"{name}.json"


def inputs_fingerprint(root: Path, config: str) -> str:
    """A digest of what a model is trained from: its configuration, the domain and the
    training data (not the code of custom components)."""
    files = [root / config, root / "domain.yml", *sorted((root / "data").rglob("*.yml"))]
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def train(root: Path, name: str, config: str, out_dir: Path, log_dir: Path) -> TrainedModel:
    """Train ``config`` on the project's data into ``out_dir/<name>.tar.gz``; wall time kept
    next to it, so that ``--reuse-models`` can report it later."""
    out_dir.mkdir(parents=True, exist_ok=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    command = [BOT, "rasa", "train", "--config", config, "--out", str(out_dir)]
    command += ["--fixed-model-name", name, "--force"]
    # 0 MB disables Rasa's training cache: every component is trained from scratch
    env = {**os.environ, "RASA_MAX_CACHE_SIZE": "0"}
    inputs = inputs_fingerprint(root, config)
    started = time.monotonic()
    with (log_dir / f"train-{name}.log").open("wb") as log:
        done = subprocess.run(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - started
    path = out_dir / f"{name}.tar.gz"
    if done.returncode != 0 or not path.is_file():
        raise RuntimeError(f"training {name} failed: see {log_dir / f'train-{name}.log'}")
    record = {
        "config": config,
        "training_seconds": seconds,
        "inputs": inputs,
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    _record_path(out_dir, name).write_text(json.dumps(record, indent=2), encoding="utf-8")
    return TrainedModel(name, config, path, seconds, reused=False)


def reuse(root: Path, name: str, config: str, out_dir: Path) -> TrainedModel | None:
    """A model an earlier run trained, with its recorded training time (None if unknown),
    flagged stale if what it was trained from has changed since."""
    path = out_dir / f"{name}.tar.gz"
    if not path.is_file():
        return None
    record_path = _record_path(out_dir, name)
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.is_file() else {}
    inputs = record.get("inputs")
    stale = None if inputs is None else inputs != inputs_fingerprint(root, config)
    return TrainedModel(
        name, config, path, record.get("training_seconds"), reused=True, stale=stale
    )


def _fingerprint(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def intent_macro_f1(root: Path, model: TrainedModel, report_dir: Path) -> float:
    """Intent macro-F1 on the held-out set (bench/intent_f1.py) in its own process: the
    model's memory goes with it, the bench stays small. A reused model's score is kept in
    its record, while the model file is the same one."""
    record_path = _record_path(model.path.parent, model.name)
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.is_file() else {}
    if model.reused and record.get("scored_model") == _fingerprint(model.path):
        return float(record["intent_macro_f1"])
    report = report_dir / f"nlu-{model.name}.json"
    log_path = report_dir / f"nlu-{model.name}.log"
    command = [sys.executable, "-m", "bench.intent_f1", str(model.path), str(report)]
    with log_path.open("wb") as log:
        done = subprocess.run(command, cwd=root, stdout=log, stderr=subprocess.STDOUT)
    if done.returncode != 0 or not report.is_file():
        raise RuntimeError(f"NLU evaluation of {model.name} failed: see {log_path}")
    f1 = float(json.loads(report.read_text(encoding="utf-8"))["macro_f1"])
    record.update(intent_macro_f1=f1, scored_model=_fingerprint(model.path))
    record_path.write_text(json.dumps(record, indent=2), encoding="utf-8")
    return f1
