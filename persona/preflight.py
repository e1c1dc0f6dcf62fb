"""`persona preflight`: will this model train and serve on this GPU within budget? Checked in a minute.

CUDA visible, unsloth importable, the model loads, a few training steps on rows of the full configured
length (the worst case for memory), one generation; then peak VRAM per phase against the budgets and the
projected time for the configured number of steps.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from persona import backends, device
from persona.config import TrainConfig
from persona.criteria import CRITERIA
from persona.infer import generate
from persona.models import ModelSource, load_tokenizer, resolve
from persona.runs import load_trained
from persona.train import train
from persona.training_log import steady_seconds_per_step
from persona.vram import VramMonitor, gb

_FILLER = ("the deploy queue backs up when the carrier feed stalls so we batch retries and log the request "
           "context before anything else ").split()


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Preflight:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, detail: str) -> bool:
        self.checks.append(Check(name, ok, detail))
        return ok

    def render(self) -> str:
        width = max(len(c.name) for c in self.checks)
        lines = [f"{c.name:<{width}}  {'ok  ' if c.ok else 'FAIL'}  {c.detail}" for c in self.checks]
        return "\n".join(lines + [f"preflight: {'PASS' if self.ok else 'FAIL'}"])


def long_examples(tokenizer, max_seq_length: int, n: int = 8) -> list[dict]:
    """Examples that fill the sequence length: a long user turn and a ~100-token answer at the end."""
    words = (_FILLER * (max_seq_length // len(_FILLER) + 2))
    prompt, answer = [], " ".join(words[:80])
    budget = max_seq_length - len(tokenizer(answer)["input_ids"]) - 40
    for word in words:
        prompt.append(word)
        if len(prompt) % 64 == 0 and len(tokenizer(" ".join(prompt))["input_ids"]) >= budget:
            break
    return [{"messages": [{"role": "user", "content": " ".join(prompt)}, {"role": "assistant", "content": answer}],
             "metadata": {"category": "style", "source": "preflight", "context": "synthetic"}} for _ in range(n)]


def run_preflight(config: TrainConfig, *, steps: int = 5, train_budget_gb: float | None = None,
                  infer_budget_gb: float | None = None, new_tokens: int = 64) -> Preflight:
    """Every check in order; the first that leaves nothing to measure ends the report."""
    train_budget_gb = train_budget_gb or CRITERIA["vram-train"].threshold().value
    infer_budget_gb = infer_budget_gb or CRITERIA["vram-infer"].threshold().value
    report = Preflight()
    gpu = device.gpu_name()
    if not report.add("CUDA", gpu is not None, gpu or "no CUDA GPU visible"):
        return report
    _check_backends(report, config)  # before anything imports transformers: unsloth patches it
    try:
        source = resolve(config.run.model)
        tokenizer = load_tokenizer(source)
    except Exception as err:
        report.add("model", False, f"{config.run.model}: {type(err).__name__}: {err}")
        return report
    with tempfile.TemporaryDirectory() as tmp:
        result = _trial_run(report, config, source, tokenizer, steps, Path(tmp))
        if result is not None:
            _check_training(report, config, result, steps, train_budget_gb)
            _check_inference(report, result, new_tokens, infer_budget_gb)
    return report


def _check_backends(report: Preflight, config: TrainConfig) -> None:
    """One row per backend that can say whether it is usable (unsloth: installed, imports, its version); only
    a backend that the config's backend could pick fails the preflight."""
    for backend in backends.registry().values():
        if backend.probe is not None:
            usable, detail = backend.probe()
            report.add(backend.name, usable or config.hparams.backend not in (backends.AUTO, backend.name), detail)


def _trial_run(report: Preflight, config: TrainConfig, source: ModelSource, tokenizer, steps: int, tmp: Path):
    """A few training steps on rows of the full sequence length; None (and a failed row) when they crash."""
    data = tmp / "long.jsonl"
    max_seq_length = config.hparams.max_seq_length
    data.write_text("".join(json.dumps(e) + "\n" for e in long_examples(tokenizer, max_seq_length)))
    trial = config.replace(train_file=str(data), output_dir=str(tmp), run_name="preflight", max_steps=steps,
                           logging_steps=1, warmup_steps=1, save_steps=10_000)
    try:
        return train(trial, source=source)
    except Exception as err:
        report.add("train", False, f"{steps} steps at {max_seq_length} tokens: {type(err).__name__}: "
                                   f"{str(err).splitlines()[0][:200]}")
        return None


def _check_training(report: Preflight, config: TrainConfig, result, steps: int, budget_gb: float) -> None:
    load, phase = result.vram.get("load", {}), result.vram.get("train", {})
    hp = config.hparams
    report.add("model load", True, f"{config.run.model} ({result.source.kind}) on {result.backend}; "
                                   f"peak {load.get('peak_gb', 0):.2f} GB")
    per_step = steady_seconds_per_step(result.log) or result.train_seconds / steps
    report.add("train VRAM", phase.get("peak_gb", 0) < budget_gb,
               f"peak {phase.get('peak_gb', 0):.2f} GB device-wide at {hp.max_seq_length} tokens x batch "
               f"{hp.per_device_train_batch_size} (budget {budget_gb} GB)")
    report.add("train time", True, f"{per_step:.2f} s/step -> {hp.max_steps} steps in about "
                                   f"{per_step * hp.max_steps / 60:.1f} min")


def _check_inference(report: Preflight, result, new_tokens: int, budget_gb: float) -> None:
    """One generation at batch 1 with the model one would serve (persona.runs.load_trained)."""
    model, tok = load_trained(result)
    monitor = VramMonitor.start()
    stats: list = []
    with monitor.phase("inference") as infer:
        generate(model, tok, [[{"role": "user", "content": "How would you debug a memory leak?"}]],
                 thinking=False, max_new_tokens=new_tokens, stats=stats)
    monitor.stop()
    speed = stats[0].tokens_per_second if stats else 0.0
    report.add("inference VRAM", infer.peak_gb < budget_gb,
               f"peak {infer.peak_gb:.2f} GB device-wide, {speed:.1f} tok/s at batch 1 "
               f"(budget {budget_gb} GB; {gb(infer.nvml_peak_gib):.2f} GB = {infer.nvml_peak_gib:.2f} GiB)")
