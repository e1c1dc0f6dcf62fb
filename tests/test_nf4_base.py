"""A QLoRA adapter is decoded, merged and exported on the NF4 weights it trained against (persona.nf4), never on
the full-precision base: the run records it, and every loader of a run passes it on."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import torch

from persona import runs
from persona.config import TrainConfig
from persona.models import Loaded, load, resolve
from persona.nf4 import quantized_on_the_fly
from persona.train import trained_on_nf4


def test_a_cpu_run_records_no_4bit_base_and_a_reused_run_reads_it_back(tmp_path, cpu):
    config = TrainConfig.from_settings(model="tiny", backend="hf", max_steps=1, logging_steps=1, save_steps=100,
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
    with pytest.raises(ValueError, match="4-bit NF4"):  # the CLI's one-line error, not a traceback
        load("tiny", device="cpu", nf4_base=True)


class Linear4bit(torch.nn.Linear):
    """Named as bitsandbytes' 4-bit linear is: what the detection looks for."""


def _model(loaded_from: str, quantized: bool):
    model = torch.nn.Sequential((Linear4bit if quantized else torch.nn.Linear)(2, 2))
    model.config = SimpleNamespace(_name_or_path=loaded_from)
    return model


def test_only_a_base_quantized_from_the_sources_own_weights_counts(tmp_path):
    assert quantized_on_the_fly(_model(str(tmp_path), True), str(tmp_path))
    assert quantized_on_the_fly(_model(str(tmp_path) + "/", True), str(tmp_path)), "the same folder, spelled otherwise"
    assert not quantized_on_the_fly(_model(str(tmp_path), False), str(tmp_path)), "no 4-bit layers"
    # Unsloth maps a hub id to a pre-quantized checkpoint that dequantized_base would not rebuild
    assert not quantized_on_the_fly(_model("unsloth/Qwen3-1.7B-unsloth-bnb-4bit", True), "unsloth/Qwen3-1.7B")
    assert quantized_on_the_fly(_model("unsloth/Qwen3-1.7B", True), "unsloth/Qwen3-1.7B")


def _finished_run(folder, base_4bit: bool):
    (folder / "final").mkdir(parents=True)
    (folder / "final" / "adapter_config.json").write_text("{}")
    (folder / "result.json").write_text(json.dumps({"backend": "unsloth", "model": "tiny", "kind": "real",
                                                    "train_seconds": 1.0, "n_rows": 1, "base_4bit": base_4bit}))
    return folder


@pytest.mark.parametrize("base_4bit", [True, False])
def test_the_export_the_latest_run_and_a_chat_read_the_run_as_trained(tmp_path, monkeypatch, base_4bit):
    import persona.models
    from persona.compression.session import open_chat
    from persona.export import adapter_model, load_run

    run_dir = _finished_run(tmp_path / "run", base_4bit)
    asked = []

    def fake_load(source, **kwargs):
        asked.append(kwargs.get("nf4_base"))
        return Loaded(torch.nn.Linear(1, 1), "tokenizer", source)

    monkeypatch.setattr(persona.models, "load", fake_load)
    run = load_run(run_dir)
    assert run.base_4bit is base_4bit
    assert runs.latest_real_run(tmp_path).base_4bit is base_4bit
    adapter_model(run)
    open_chat("tiny", adapter=run_dir / "final", strategy="ledger")
    assert asked == [base_4bit, base_4bit]


def test_exporting_an_nf4_run_off_cuda_is_one_line_and_writes_nothing(tmp_path, capsys, cpu):
    from persona.cli import main

    run_dir = _finished_run(tmp_path / "run", True)
    assert main(["export", str(run_dir), "--format", "merged", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "4-bit NF4" in err and err.count("\n") == 1
    assert not any((tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else True
