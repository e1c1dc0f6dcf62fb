"""train(config) -> TrainResult: QLoRA fine-tuning with trl's SFTTrainer on assistant-only labels.

A backend (persona/backends/: hf, unsloth) prepares the model (quantized base + LoRA adapters); the
training loop here is shared: rows, batch shaping, out-of-memory retry, checkpoints and `--resume`.

Writes `<run_dir>/training.log` (one JSON line per logging step), `<run_dir>/final` (the adapter),
`<run_dir>/config.json` and `<run_dir>/result.json`.
"""
from __future__ import annotations

import errno
import json
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from persona import atomic, backends, device
from persona.chat import render
from persona.config import TrainConfig
from persona.data import load_jsonl
from persona.device import is_out_of_memory
from persona.models import ModelSource, check_requirements, resolve
from persona.nf4 import quantized_on_the_fly
from persona.progress import trainer_callback
from persona.training_log import append, keep_log_until, log_callback, read_log
from persona.vram import VramMonitor, free_cuda


@dataclass
class TrainResult:
    run_dir: Path
    """Folder with training.log, final/, config.json and result.json."""
    backend: str
    """Name of the backend that trained (persona.backends: "hf" or "unsloth")."""
    source: ModelSource
    """The base model."""
    log: list[dict]
    """The training.log lines: step, loss, learning_rate, seconds_per_step, memory."""
    train_seconds: float
    """Wall time of trainer.train()."""
    n_rows: int
    """Training rows rendered (one per example: none dropped)."""
    model: object = field(default=None, repr=False)
    """The fine-tuned model in memory (None when read back from disk)."""
    tokenizer: object = field(default=None, repr=False)
    vram: dict = field(default_factory=dict)
    """Per phase (load, train): NVML device-wide and torch peaks in GiB; empty without CUDA."""
    final_step: int = 0
    """The trainer's global step when training ended (what train-completes compares with max_steps)."""
    base_4bit: bool = False
    """The LoRA adapter trained on 4-bit NF4 weights quantized from the source's own (QLoRA on CUDA): it is decoded
    and merged on those weights (persona.nf4), not on the full-precision base."""

    @classmethod
    def read(cls, run_dir: Path, source: ModelSource | None = None) -> "TrainResult":
        """A finished run read back from its result.json (KeyError or ValueError when that is not a run summary);
        `source` when the caller has resolved the model already."""
        summary = json.loads((Path(run_dir) / "result.json").read_text())
        return cls(Path(run_dir), summary["backend"], source or resolve(summary["model"]),
                   read_log(Path(run_dir) / "training.log"), summary.get("train_seconds", 0.0),
                   summary.get("n_rows", 0), vram=summary.get("vram", {}), final_step=summary.get("final_step", 0),
                   base_4bit=summary.get("base_4bit", False))

    @property
    def adapter_dir(self) -> Path:
        """The LoRA adapter (or, for finetune="full", the whole model)."""
        return self.run_dir / "final"

    @property
    def losses(self) -> list[float]:
        return [row["loss"] for row in self.log if "loss" in row]

    def summary(self) -> dict:
        return {"backend": self.backend, "model": self.source.spec, "kind": self.source.kind,
                "train_seconds": round(self.train_seconds, 2), "n_rows": self.n_rows, "final_step": self.final_step,
                "base_4bit": self.base_4bit, "losses": self.losses}


def trained_on_nf4(adapter) -> bool:
    """Whether the adapter folder (a run's final/) trained on NF4 weights, from the run's result.json beside it;
    False for a folder with no run summary."""
    try:
        return TrainResult.read(Path(adapter).parent).base_4bit
    except (OSError, ValueError, KeyError, AttributeError):
        return False


def render_rows(examples, tokenizer, max_length: int) -> list[dict]:
    """Tokenized rows with labels on the answer; raises if any example would train on nothing."""
    rows, problems = [], []
    for example in examples:
        try:
            rendered = render(example.messages, tokenizer, max_length)
        except ValueError as err:
            problems.append(f"{example.where}: {err}")
            continue
        rows.append({"input_ids": rendered.input_ids, "labels": rendered.labels})
    if problems:
        raise ValueError("examples would be dropped by masking:\n" + "\n".join(problems))
    return rows


def fit_micro_batch(config: TrainConfig, cuda: bool) -> TrainConfig:
    """On CUDA (with fit_micro_batch) the whole effective batch is one micro-batch; train() halves it again on
    out-of-memory. The optimizer sees the same 8 rows per step either way."""
    hp = config.hparams
    if not (cuda and hp.fit_micro_batch) or hp.gradient_accumulation_steps == 1:
        return config
    return config.replace(gradient_accumulation_steps=1, per_device_train_batch_size=(
        hp.per_device_train_batch_size * hp.gradient_accumulation_steps))


PAD_MULTIPLE = 64
"""static_shapes pads batches to the longest row rounded up to this many tokens."""


def static_pad_length(rows: list[dict], multiple: int = PAD_MULTIPLE) -> int:
    """One padded length for every batch: the collator pads to a multiple of it, and no row is longer."""
    longest = max(len(row["input_ids"]) for row in rows)
    return -(-longest // multiple) * multiple


def sft_args(config: TrainConfig, run_dir: Path, backend: backends.Backend, pad_to: int | None = None):
    from trl import SFTConfig

    cuda = device.cuda_available()
    bf16, fp16 = device.mixed_precision()
    hp = config.hparams
    return SFTConfig(
        output_dir=str(run_dir / "checkpoints"), per_device_train_batch_size=hp.per_device_train_batch_size,
        gradient_accumulation_steps=hp.gradient_accumulation_steps, warmup_steps=hp.warmup_steps,
        max_steps=hp.max_steps, learning_rate=hp.learning_rate, lr_scheduler_type=hp.lr_scheduler_type,
        weight_decay=hp.weight_decay, optim=device.supported_optimizer(hp.optim),
        logging_steps=hp.logging_steps, save_strategy="steps", save_steps=hp.save_steps, save_total_limit=2,
        seed=hp.seed, data_seed=hp.seed, bf16=bf16, fp16=fp16, report_to="none",
        max_length=hp.max_seq_length, dataset_kwargs={"skip_prepare_dataset": True}, remove_unused_columns=False,
        pad_to_multiple_of=pad_to, use_cpu=not cuda, dataloader_num_workers=0, disable_tqdm=False,
        gradient_checkpointing=hp.gradient_checkpointing and cuda and backend.trainer_checkpointing)


def train(config: TrainConfig, *, resume: bool = False, backend_impl=None,
          source: ModelSource | None = None) -> TrainResult:
    """Fine-tune per config; invalid data is refused before any model is loaded. `source` is config.run.model
    already resolved (by a caller that needed it first); without it the model is resolved after the data check.

    On CUDA the effective batch first runs as one micro-batch (fit_micro_batch). On CUDA
    out-of-memory the run starts again with half the batch and twice the accumulation (the same effective
    batch), down to batch 1, and says so in training.log.
    """
    config.validate()
    examples = load_jsonl(Path(config.run.train_file))
    backend = backends.choose(config.hparams.backend, config.hparams)
    config = fit_micro_batch(config, device.cuda_available())
    if source is None:
        check_requirements(config.run.model)  # a missing model package is one line, before unsloth's import prints
    backend.import_first()  # unsloth patches transformers: before anything (resolve included) imports it
    source = source or resolve(config.run.model)
    prepare = backend_impl or backend.prepare
    _start_run(config, resume)
    monitor = VramMonitor.start()
    try:
        return _train_retrying(config, examples, source, backend, prepare, monitor, resume)
    except OSError as err:
        if err.errno == errno.ENOSPC:
            last_checkpoint(config.run_dir)  # removes the checkpoint the full disk cut short
            shutil.rmtree(config.run_dir / "final.partial", ignore_errors=True)
        raise
    finally:
        monitor.stop()


def _start_run(config: TrainConfig, resume: bool) -> None:
    """Write config.json; on --resume keep the log up to the last complete checkpoint, else start clean."""
    run_dir, log_path = config.run_dir, config.run_dir / "training.log"
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "config.json").write_text(json.dumps(config.to_dict(), indent=2))
    if resume:
        _check_not_finished(config)
        keep_log_until(log_path, checkpoint_step(last_checkpoint(run_dir)))
    else:
        log_path.unlink(missing_ok=True)
        shutil.rmtree(run_dir / "checkpoints", ignore_errors=True)


def _train_retrying(config, examples, source, backend, prepare, monitor, resume) -> TrainResult:
    """_train_once, started again from scratch with half the batch after each CUDA out-of-memory."""
    while True:
        try:
            return _train_once(config, examples, source, backend, prepare, monitor, resume)
        except Exception as err:
            hp = config.hparams
            if not is_out_of_memory(err) or hp.per_device_train_batch_size == 1:
                raise
            batch, accumulation = hp.per_device_train_batch_size // 2, hp.gradient_accumulation_steps * 2
            config = config.replace(per_device_train_batch_size=batch, gradient_accumulation_steps=accumulation)
            append(config.run_dir / "training.log", {
                "event": "oom_retry", "per_device_train_batch_size": batch, "gradient_accumulation_steps": accumulation})
            print(f"persona: CUDA out of memory; retrying with batch {batch} x accumulation {accumulation}",
                  file=sys.stderr)
            free_cuda()
            resume = False


def _train_once(config, examples, source, backend, prepare, monitor, resume) -> TrainResult:
    run_dir, log_path = config.run_dir, config.run_dir / "training.log"
    with monitor.phase("load"):
        model, tokenizer = prepare(config, source)
    rows = render_rows(examples, tokenizer, config.hparams.max_seq_length)
    from datasets import Dataset
    from trl import SFTTrainer

    pad_to = static_pad_length(rows) if config.hparams.static_shapes and device.cuda_available() else None
    trainer = SFTTrainer(model=model, processing_class=tokenizer, train_dataset=Dataset.from_list(rows),
                         args=sft_args(config, run_dir, backend, pad_to),
                         callbacks=[log_callback(log_path, monitor.sampler), _complete_marker(), trainer_callback()])
    free_cuda()  # what loading and quantizing left cached is not training's memory
    with monitor.phase("train"):
        started = time.perf_counter()
        trainer.train(resume_from_checkpoint=last_checkpoint(run_dir) if resume else None)
        seconds = time.perf_counter() - started
    with atomic.directory(run_dir / "final") as final:   # a killed run never leaves a half-written adapter
        trainer.model.save_pretrained(final)
        tokenizer.save_pretrained(final)
    result = TrainResult(run_dir, backend.name, source, read_log(log_path), seconds, len(rows), trainer.model,
                         tokenizer, final_step=trainer.state.global_step,
                         base_4bit=quantized_on_the_fly(trainer.model, source.path))
    summary = {**result.summary(), "vram": monitor.to_json(),
               "per_device_train_batch_size": config.hparams.per_device_train_batch_size,
               "gradient_accumulation_steps": config.hparams.gradient_accumulation_steps, "padded_length": pad_to,
               "train_tokens": sum(len(row["input_ids"]) for row in rows)}
    (run_dir / "result.json").write_text(json.dumps(summary, indent=2))
    result.vram = summary["vram"]
    return result


COMPLETE = "persona_complete"
"""Marker written into a checkpoint folder once the Trainer has finished writing it."""


def _complete_marker():
    from transformers import TrainerCallback

    class CompleteMarker(TrainerCallback):
        def on_save(self, args, state, control, **kwargs):
            folder = Path(args.output_dir) / f"checkpoint-{state.global_step}"
            if folder.is_dir():
                (folder / COMPLETE).write_text(str(state.global_step))

    return CompleteMarker()


def last_checkpoint(run_dir: Path) -> str | None:
    """The newest checkpoint that was written to the end; folders a killed run left half-written are removed."""
    folder = run_dir / "checkpoints"
    complete = []
    for candidate in folder.glob("checkpoint-*") if folder.is_dir() else ():
        if (candidate / COMPLETE).exists():
            complete.append((int(candidate.name.split("-")[-1]), candidate))
        else:
            shutil.rmtree(candidate, ignore_errors=True)
    return str(max(complete)[1]) if complete else None


class RunFinished(Exception):
    """`--resume` on a run that already trained all its steps: nothing to do."""


def checkpoint_step(checkpoint: str | None) -> int:
    """The step a checkpoint folder was written at (0 for none)."""
    return int(Path(checkpoint).name.split("-")[-1]) if checkpoint else 0


def _check_not_finished(config: TrainConfig) -> None:
    """RunFinished when the run folder holds a finished run of at least max_steps."""
    result_path = config.run_dir / "result.json"
    if not result_path.exists() or not (config.run_dir / "final").is_dir():
        return
    try:
        steps = json.loads(result_path.read_text()).get("final_step")
    except (ValueError, OSError):
        return
    steps = steps if isinstance(steps, int) else checkpoint_step(last_checkpoint(config.run_dir))
    max_steps = config.hparams.max_steps
    if steps >= max_steps:
        raise RunFinished(f"{config.run_dir} already finished {steps} of {max_steps} steps; nothing to do "
                          "(raise max_steps to train on, or drop --resume to start over)")


def resume_hint(run_dir: Path) -> str:
    """Where a stopped run can go on from, and how (half-written checkpoints are removed on the way)."""
    checkpoint = last_checkpoint(run_dir)
    if checkpoint is None:
        return "no complete checkpoint yet; rerun the same command (without --resume) to start over"
    return f"last complete checkpoint: {checkpoint}; rerun the same command with --resume to continue from it"
