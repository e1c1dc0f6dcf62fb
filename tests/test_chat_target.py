"""`persona chat` without --model talks to the latest trained run on real weights, else the real small model;
never to the tiny model, whose answers say nothing."""
from __future__ import annotations

import json
import os

from persona.models import SMOLLM2
from persona.runs import chat_target


def _run(root, name, *, kind, model, mtime, adapter=True):
    run = root / name
    (run / "final").mkdir(parents=True)
    if adapter:
        (run / "final" / "adapter_config.json").write_text("{}")
    (run / "result.json").write_text(json.dumps({"backend": "hf", "model": model, "kind": kind,
                                                 "train_seconds": 1.0, "n_rows": 50}))
    os.utime(run / "final", (mtime, mtime))
    return run


def test_latest_real_run_wins_over_newer_tiny_and_older_real(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSONA_CACHE", str(tmp_path / "cache"))
    base = tmp_path / "base-model"
    base.mkdir()
    (base / "config.json").write_text("{}")
    _run(tmp_path / "models", "old", kind="real", model=str(base), mtime=1_000)
    newest_real = _run(tmp_path / "models", "new", kind="real", model=str(base), mtime=2_000)
    _run(tmp_path / "models", "smoke", kind="tiny", model="tiny", mtime=3_000, adapter=False)
    model, adapter, why = chat_target(tmp_path / "models")
    assert (model, adapter) == (str(base), newest_real / "final") and str(newest_real) in why


def test_without_a_real_run_the_real_small_model_answers(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSONA_CACHE", str(tmp_path / "cache"))
    _run(tmp_path / "models", "smoke", kind="tiny", model="tiny", mtime=3_000, adapter=False)
    model, adapter, why = chat_target(tmp_path / "models")
    assert (model, adapter) == (SMOLLM2, None) and "no trained run" in why


def test_a_full_fine_tune_is_loaded_from_its_saved_model(tmp_path, monkeypatch):
    monkeypatch.setenv("PERSONA_CACHE", str(tmp_path / "cache"))
    base = tmp_path / "base-model"
    base.mkdir()
    (base / "config.json").write_text("{}")
    run = _run(tmp_path / "models", "full", kind="real", model=str(base), mtime=1_000, adapter=False)
    assert chat_target(tmp_path / "models")[:2] == (str(run / "final"), None)
