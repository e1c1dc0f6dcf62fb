"""A QLoRA adapter is decoded, merged and exported on the NF4 weights it trained against (persona.nf4), never on
the full-precision base: the run records it, and every loader of a run passes it on."""
from __future__ import annotations

import json

import pytest

from persona import runs
from persona.config import TrainConfig
from persona.models import Loaded, load, resolve
from persona.nf4 import trained_on_nf4


def test_a_cpu_run_records_no_4bit_base_and_a_reused_run_reads_it_back(tmp_path):
    config = TrainConfig.from_settings(model="tiny", max_steps=1, logging_steps=1, save_steps=100,
                                       output_dir=str(tmp_path / "out"))
    first, reused = runs.train_cached(config, runs_dir=tmp_path / "runs", log=lambda line: None)
    assert not reused and first.base_4bit is False
    assert json.loads((first.run_dir / "result.json").read_text())["base_4bit"] is False
    summary = first.run_dir / "result.json"
    summary.write_text(json.dumps({**json.loads(summary.read_text()), "base_4bit": True}))
    again, reused = runs.train_cached(config, runs_dir=tmp_path / "runs", log=lambda line: None)
    assert reused and again.base_4bit is True
    assert trained_on_nf4(again.adapter_dir) is True and trained_on_nf4(tmp_path) is False


@pytest.mark.parametrize("base_4bit", [True, False])
def test_on_cuda_a_run_merges_into_the_base_it_trained_on(tmp_path, monkeypatch, base_4bit):
    asked = {}

    class Peft:
        def merge_and_unload(self):
            return self

        def eval(self):
            return self

    def fake_load(source, **kwargs):
        asked.update(kwargs)
        return Loaded(Peft(), "tokenizer", source)

    (tmp_path / "final").mkdir()
    (tmp_path / "final" / "adapter_config.json").write_text("{}")
    result = runs.TrainResult(tmp_path, "unsloth", resolve("tiny"), [], 1.0, 1, base_4bit=base_4bit)
    monkeypatch.setattr(runs.device, "cuda_available", lambda: True)
    monkeypatch.setattr(runs, "free_cuda", lambda: None)
    monkeypatch.setattr(runs, "load", fake_load)
    runs.load_trained(result)
    assert asked["nf4_base"] is base_4bit and asked["adapter"] == result.adapter_dir


def test_an_nf4_base_off_cuda_is_refused_with_a_reason():
    with pytest.raises(RuntimeError, match="4-bit NF4"):
        load("tiny", device="cpu", nf4_base=True)
