"""Training with the tiny model (on the CPU path, and as CUDA twins where a GPU is): the LoRA path moves adapter
weights, the full fine-tune trains every weight unquantized, invalid data is refused before a model loads, and
the config takes TOML and CLI overrides with clear errors."""
from __future__ import annotations

import dataclasses
import json

import pytest

from persona.config import TrainConfig, load_config, parse_overrides
from persona.data import DataError
from tests.helpers import FIXTURES, ROOT


def test_lora_training_moves_adapter_weights_and_writes_the_run(tmp_path, each_machine):
    """The hf backend's LoRA path: fp32 on CPU, a 4-bit base on CUDA (QLoRA)."""
    import torch
    from safetensors.torch import load_file

    from persona.train import train

    config = TrainConfig.from_settings(model="tiny", backend="hf", output_dir=str(tmp_path), run_name="lora",
                                       max_steps=6, logging_steps=2, warmup_steps=1, learning_rate=1e-2, save_steps=3)
    result = train(config)
    assert result.backend == "hf" and result.n_rows == 50
    assert next(result.model.parameters()).device.type == each_machine
    weights = load_file(result.adapter_dir / "adapter_model.safetensors")
    lora_b = [w for name, w in weights.items() if "lora_B" in name]
    assert lora_b and any(torch.count_nonzero(w) > 0 for w in lora_b), "LoRA B starts at zero and must move"
    log = [json.loads(line) for line in (result.run_dir / "training.log").read_text().splitlines()]
    assert [row["step"] for row in log] == [2, 4, 6]
    assert {"loss", "learning_rate", "seconds_per_step", "memory"} <= set(log[0])
    assert json.loads((result.run_dir / "config.json").read_text())["max_steps"] == 6
    assert (result.run_dir / "checkpoints").is_dir(), "checkpoints are written for --resume"


@pytest.mark.parametrize("backend", ["auto", "hf"])
def test_the_tiny_full_fine_tune_trains_every_weight_unquantized(tmp_path, each_machine, backend):
    """The smoke run's method (finetune = "full") through `auto` and `--backend hf`: on CUDA too, hf takes it
    (unsloth trains adapters only) and never quantizes the weights it trains; the loss falls."""
    import torch

    from persona.train import train

    config = TrainConfig.from_settings(model="tiny", backend=backend, finetune="full", output_dir=str(tmp_path),
                                       run_name=backend, max_steps=8, logging_steps=2, warmup_steps=0,
                                       learning_rate=2e-2, save_steps=1000)
    result = train(config)
    params = list(result.model.parameters())
    assert result.backend == "hf" and params[0].device.type == each_machine
    assert all(p.dtype == torch.float32 and p.requires_grad for p in params), "every weight trained, in fp32"
    assert not getattr(result.model, "is_loaded_in_4bit", False)
    assert result.losses[-1] < result.losses[0] - 0.5, f"the loss must fall: {result.losses}"
    assert not (result.adapter_dir / "adapter_config.json").exists(), "a full fine-tune saves the whole model"


def test_invalid_data_is_refused_before_a_model_loads(tmp_path, monkeypatch):
    import persona.train as train_module

    monkeypatch.setattr(train_module, "resolve", lambda spec: pytest.fail("a model was resolved for bad data"))
    with pytest.raises(DataError) as err:
        train_module.train(TrainConfig.from_settings(model="tiny", train_file=str(FIXTURES / "data/broken.jsonl"),
                                                     output_dir=str(tmp_path)))
    assert len(err.value.problems) == 13


def test_config_defaults_are_the_seeds():
    hp = TrainConfig().hparams
    assert (hp.lora_r, hp.lora_alpha, hp.lora_dropout, hp.learning_rate) == (16, 16, 0.0, 2e-4)
    assert (hp.per_device_train_batch_size, hp.gradient_accumulation_steps, hp.warmup_steps,
            hp.max_steps, hp.seed, hp.max_seq_length) == (2, 4, 10, 100, 3407, 2048)
    assert len(hp.target_modules) == 7 and hp.optim == "adamw_8bit" and hp.weight_decay == 0.01


def test_toml_then_overrides(tmp_path):
    toml = tmp_path / "t.toml"
    toml.write_text('[train]\nmax_steps = 20\nlearning_rate = 1e-4\ntarget_modules = ["q_proj", "v_proj"]\n')
    hp = load_config(toml, **parse_overrides(["learning_rate=0", "gradient_checkpointing=false"])).hparams
    assert (hp.max_steps, hp.learning_rate, hp.gradient_checkpointing) == (20, 0.0, False)
    assert hp.target_modules == ("q_proj", "v_proj")


@pytest.mark.parametrize("overrides,message", [
    ({"max_steps": "0", "learning_rate": "-1"}, "max_steps must be at least 1, got 0\nlearning_rate must not"),
    ({"lerning_rate": "1"}, "unknown training setting 'lerning_rate'"),
    ({"backend": "tpu"}, "backend must be auto, hf or unsloth"),
])
def test_bad_settings_are_reported(overrides, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        load_config(None, **overrides)


def test_override_needs_an_equals_sign():
    with pytest.raises(ValueError, match="NAME=VALUE"):
        parse_overrides(["learning_rate"])


def test_run_cache_key_follows_data_and_config(tmp_path):
    from persona.runs import cache_key

    data = tmp_path / "train.jsonl"
    data.write_bytes((ROOT / "data/toy/train.jsonl").read_bytes())
    base = TrainConfig.from_settings(model="tiny", train_file=str(data))
    assert cache_key(base) == cache_key(base.replace(output_dir="elsewhere", run_name="other"))
    assert cache_key(base) != cache_key(base.replace(learning_rate=0.0))
    data.write_bytes(data.read_bytes() + b"\n")
    toy = TrainConfig.from_settings(model="tiny", train_file=str(ROOT / "data/toy/train.jsonl"))
    assert cache_key(base) != cache_key(toy)


def test_run_cache_key_follows_the_device(monkeypatch):
    # A CPU run (fp32) and a CUDA one (4-bit) of the same config are different models: neither may stand in.
    from persona import device
    from persona.runs import cache_key

    config = TrainConfig.from_settings(model="tiny")
    keys = set()
    for name in ("cpu", "cuda"):
        monkeypatch.setattr(device, "default_device", lambda name=name: name)
        keys.add(cache_key(config))
    assert len(keys) == 2


def _another(value):
    """A different value of the same type (the key is computed without the config's checks)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, tuple):
        return value[:1]
    return value + "-other" if isinstance(value, str) else value + 1


def test_run_cache_key_hashes_every_hyperparameter():
    from persona.runs import cache_key

    base = TrainConfig.from_settings(model="tiny")
    unchanged = [name for name, value in dataclasses.asdict(base.hparams).items()
                 if cache_key(TrainConfig(base.run, dataclasses.replace(base.hparams, **{name: _another(value)})))
                 == cache_key(base)]
    assert not unchanged, f"hyperparameters the cache key ignores: {unchanged}"
