"""Resource criteria on a CUDA GPU (real or synthetic weights alike: the architecture sets the figures).

- `vram-train` (ADJUST): device-wide peak VRAM while training, under the plan's 15 GB.
- `train-time` (ADJUST): seconds per step projected to the seed's 100 steps, under 30 minutes.
- `vram-infer` (ADJUST): device-wide peak VRAM while generating a batch, under the plan's 8 GB.

Budgets are GB (10**9 bytes), compared with NVML's device-wide peak (persona.vram); thresholds live in
persona.criteria (`--threshold vram-train=10` sets another budget). Without CUDA these are not evaluated.
"""
from __future__ import annotations

import statistics

import pytest

from persona.chat import prompt_messages
from persona.infer import generate
from persona.vram import VramMonitor


@pytest.mark.criterion("vram-train")
def test_training_vram_under_budget(training, criterion):
    if training.result is None:
        pytest.skip("not evaluated: training did not complete (see train-completes)")
    phase = training.result.vram.get("train")
    if not phase:
        pytest.skip("not evaluated: no GPU memory was recorded for this run")
    criterion.check(phase["peak_gb"], detail=f"{phase['nvml_peak_gib']:.2f} GiB device-wide; torch reserved "
                                             f"{phase['torch_reserved_gib']:.2f} GiB")


@pytest.mark.criterion("train-time")
def test_training_time(training, criterion):
    if training.result is None:
        pytest.skip("not evaluated: training did not complete (see train-completes)")
    per_step = training.result.train_seconds / max(training.result.final_step, 1)
    criterion.check(per_step * 100, shown=f"{per_step * 100:.0f}", detail=f"{per_step:.2f} s/step")


@pytest.mark.criterion("vram-infer")
def test_inference_vram_under_budget(trained_model, test_examples, criterion, record_property):
    monitor = VramMonitor.start()
    stats: list = []
    try:
        with monitor.phase("inference") as phase:
            generate(trained_model.model, trained_model.tokenizer, [prompt_messages(e.messages) for e in test_examples],
                     thinking=True, max_new_tokens=256, batch_size=len(test_examples), stats=stats)
    finally:
        monitor.stop()
    tokens = sum(s.new_tokens for s in stats)
    record_property("batched_tokens_per_second", f"{tokens / sum(s.seconds for s in stats):.1f}")
    record_property("decode_path", stats[0].path if stats else "")
    criterion.check(phase.peak_gb)


def test_steps_logged_memory(training):
    """Every training.log line on GPU carries torch's peaks and NVML's device-wide use (for the memory plot)."""
    if training.result is None:
        pytest.skip("training did not complete")
    memory = [row["memory"] for row in training.result.log]
    assert memory and all({"torch_reserved_gib", "nvml_used_gib"} <= set(m) for m in memory), memory[:2]
    assert statistics.fmean(m["torch_reserved_gib"] for m in memory) > 0
