"""The GPU path's pure parts, on CPU: VRAM units, OOM retry, complete-checkpoint resume, backend choice,
preflight's full-length rows. A test about the CPU path pins it (the `cpu` fixture); its CUDA twin runs where
a GPU is. The GPU itself is exercised by `pytest evals -m gpu`."""
from __future__ import annotations

import json

import pytest

from persona.config import TrainConfig
from persona.vram import gb


def test_budget_units_are_explicit():
    from persona.vram import GB, GIB, Phase, gb

    assert gb(1.0) == pytest.approx(GIB / GB) == pytest.approx(1.0737, abs=1e-4)
    phase = Phase("train", nvml_peak_gib=13.97, torch_reserved_gib=10.0)
    assert phase.peak_gb == pytest.approx(15.0, abs=0.01), "a 15 GB budget is 13.97 GiB device-wide"
    assert Phase("x", torch_reserved_gib=2.0).peak_gb == pytest.approx(2.147, abs=1e-3), "torch's figure without NVML"


def test_vram_monitor_is_a_no_op_without_cuda(cpu):
    from persona.vram import VramMonitor

    monitor = VramMonitor.start()
    with monitor.phase("train") as phase:
        pass
    assert monitor.sampler is None and phase.peak_gb == 0 and phase.seconds >= 0
    assert set(monitor.to_json()) == {"train"}


def test_vram_monitor_measures_a_phase_on_cuda(gpu):
    import torch

    from persona.vram import VramMonitor

    monitor = VramMonitor.start()
    try:
        with monitor.phase("train") as phase:
            block = torch.ones(64, 2**20, device="cuda")  # 256 MiB of fp32
            del block
    finally:
        monitor.stop()
    assert phase.torch_allocated_gib >= 0.25, f"the 256 MiB block is in the phase's peak: {phase}"
    assert phase.peak_gb >= gb(0.25) and phase.seconds > 0


def test_backend_choice_on_cpu(cpu):
    from persona import backends

    assert backends.choose("auto").name == "hf" and backends.choose("unsloth").name == "unsloth"
    with pytest.raises(RuntimeError, match="needs a CUDA GPU"):
        backends.get("unsloth").prepare(TrainConfig(), None)


OOM_RETRY = {"cpu": [(2, 4), (1, 8)], "cuda": [(8, 1), (4, 2)]}
"""The micro-batches tried: as configured on CPU; on CUDA the effective batch of 8 first (fit_micro_batch)."""


def test_oom_retries_with_half_the_batch_and_twice_the_accumulation(tmp_path, each_machine):
    import torch

    from persona.backends import hf
    from persona.train import train

    seen = []

    def flaky(config, source):
        seen.append((config.hparams.per_device_train_batch_size, config.hparams.gradient_accumulation_steps))
        if len(seen) == 1:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return hf.prepare(config, source)

    config = TrainConfig.from_settings(model="tiny", backend="hf", output_dir=str(tmp_path), max_steps=2,
                                       logging_steps=1, warmup_steps=0)
    result = train(config, backend_impl=flaky)
    first, retried = OOM_RETRY[each_machine]
    assert seen == [first, retried], "same effective batch of 8"
    events = [json.loads(line) for line in (result.run_dir / "training.log").read_text().splitlines()]
    assert events[0] == {"event": "oom_retry", "per_device_train_batch_size": retried[0],
                         "gradient_accumulation_steps": retried[1]}
    assert [e["step"] for e in events[1:]] == [1, 2]
    assert json.loads((result.run_dir / "result.json").read_text())["per_device_train_batch_size"] == retried[0]


def test_oom_at_batch_one_is_not_retried(tmp_path):
    import torch

    from persona.train import train

    calls = []

    def always_oom(config, source):
        calls.append(config.hparams.per_device_train_batch_size)
        raise torch.cuda.OutOfMemoryError("CUDA out of memory")

    # batch 1 x accumulation 1 is one micro-batch on either machine (fit_micro_batch leaves it as it is)
    with pytest.raises(torch.cuda.OutOfMemoryError):
        train(TrainConfig.from_settings(model="tiny", backend="hf", output_dir=str(tmp_path),
                                        per_device_train_batch_size=1, gradient_accumulation_steps=1),
              backend_impl=always_oom)
    assert calls == [1], "nothing smaller to retry with"


def test_half_written_checkpoints_are_ignored_and_resume_continues(tmp_path):
    from persona.train import COMPLETE, last_checkpoint, train
    from persona.training_log import read_log

    config = TrainConfig.from_settings(model="tiny", backend="hf", output_dir=str(tmp_path), run_name="r", max_steps=4,
                                       logging_steps=1, warmup_steps=0, save_steps=2, learning_rate=1e-3)
    train(config)
    checkpoints = tmp_path / "r" / "checkpoints"
    assert all((checkpoints / f"checkpoint-{n}" / COMPLETE).exists() for n in (2, 4))
    torn = checkpoints / "checkpoint-6"
    torn.mkdir()
    (torn / "adapter_model.safetensors").write_bytes(b"half")
    assert last_checkpoint(tmp_path / "r").endswith("checkpoint-4") and not torn.exists()

    resumed = train(config.replace(max_steps=6), resume=True)
    steps = [row["step"] for row in read_log(resumed.run_dir / "training.log")]
    assert steps == [1, 2, 3, 4, 5, 6], "resume continues the log from the last complete checkpoint"


def test_preflight_rows_fill_the_sequence_length():
    from persona.chat import render
    from persona.preflight import long_examples
    from persona.tokenizer import qwen3_tokenizer

    tok = qwen3_tokenizer()
    example = long_examples(tok, 512, n=1)[0]
    rendered = render(example["messages"], tok, max_length=512)
    assert 440 <= len(rendered.input_ids) <= 512 and rendered.n_label_tokens > 50


def test_preflight_without_cuda_fails_cleanly(cpu):
    from persona.preflight import run_preflight

    report = run_preflight(TrainConfig.from_settings(model="tiny"))
    assert not report.ok and report.checks[0].detail == "no CUDA GPU visible"
    assert report.render().endswith("preflight: FAIL")
