"""Training configuration: the seed plan's hyperparameters as defaults, overridable from TOML and the CLI.

    [train]
    model = "unsloth/Qwen3-1.7B"   # hub id, local dir, "synthetic:qwen3-1.7b" or "tiny"
    max_steps = 100
    learning_rate = 2e-4
"""
from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

DEFAULT_MODEL = "unsloth/Qwen3-1.7B"
TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass
class TrainConfig:
    model: str = DEFAULT_MODEL
    """Hub id, local directory, "synthetic:qwen3-1.7b" (real shape, random weights) or "tiny" (CPU smoke)."""
    train_file: str = "data/toy/train.jsonl"
    """JSONL training examples (see persona.data)."""
    output_dir: str = "models"
    """Runs are written to output_dir/<run_name>/."""
    run_name: str = "toy"
    """Folder name of this run under output_dir."""
    backend: str = "auto"
    """"unsloth", "hf" (transformers + peft + trl), or "auto": unsloth when CUDA and unsloth are present."""
    max_seq_length: int = 2048
    """Tokens per training row; longer rows are cut at the end (never losing the whole answer)."""
    load_in_4bit: bool = True
    """QLoRA: 4-bit base weights on CUDA (bitsandbytes); ignored on CPU."""
    finetune: str = "lora"
    """"lora" (adapters on target_modules, the seed's method) or "full" (every weight; the tiny smoke model,
    whose random base gives a low-rank update nothing to steer)."""
    lora_r: int = 16
    """LoRA rank."""
    lora_alpha: int = 16
    """LoRA scaling numerator; alpha = r keeps the update scale at 1."""
    lora_dropout: float = 0.0
    """Dropout on the LoRA branch; 0 is what Unsloth's fast path expects."""
    target_modules: tuple[str, ...] = TARGET_MODULES
    """The projections that get adapters: all attention and MLP projections."""
    learning_rate: float = 2e-4
    """Peak learning rate after warmup."""
    per_device_train_batch_size: int = 2
    """Rows per forward pass (on CUDA with fit_micro_batch, the effective batch is what counts)."""
    gradient_accumulation_steps: int = 4
    """Forward passes per optimizer step; effective batch = batch size x accumulation."""
    warmup_steps: int = 10
    """Linear warmup from 0 to the learning rate."""
    max_steps: int = 100
    """Optimizer steps; the seed's quick toy run."""
    lr_scheduler_type: str = "linear"
    """Decay after warmup."""
    weight_decay: float = 0.01
    """AdamW weight decay."""
    optim: str = "adamw_8bit"
    """Optimizer; falls back to adamw_torch where bitsandbytes is missing (CPU)."""
    logging_steps: int = 10
    """Optimizer steps between training.log lines."""
    save_steps: int = 50
    """Optimizer steps between checkpoints (for --resume)."""
    seed: int = 3407
    """Seed for LoRA init, data order and sampling."""
    gradient_checkpointing: bool = True
    """Trade compute for memory (Unsloth's offloaded variant with the unsloth backend)."""
    fit_micro_batch: bool = True
    """On CUDA, train the effective batch (batch size x accumulation) in one forward pass, halving it and
    doubling accumulation on out-of-memory: the same optimizer steps in fewer, larger kernels. CPU trains
    as configured."""
    static_shapes: bool = False
    """On CUDA, pad every batch to the longest training row (rounded up to 64 tokens), so compiled kernels
    see one shape; padding carries no labels, so the loss is the same. Off: on the toy set it measured no
    faster than per-batch padding (docs/benchmarks.md) and trains on twice the tokens."""
    def validate(self) -> None:
        """Raise ValueError listing every bad value at once."""
        issues = []
        for name in ("max_seq_length", "lora_r", "per_device_train_batch_size", "gradient_accumulation_steps",
                     "max_steps", "logging_steps", "save_steps"):
            if getattr(self, name) < 1:
                issues.append(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("learning_rate", "weight_decay", "warmup_steps", "lora_dropout"):
            if getattr(self, name) < 0:
                issues.append(f"{name} must not be negative, got {getattr(self, name)}")
        if self.finetune not in ("lora", "full"):
            issues.append(f"finetune must be lora or full, got {self.finetune!r}")
        if self.backend not in ("auto", "hf", "unsloth"):
            issues.append(f"backend must be auto, hf or unsloth, got {self.backend!r}")
        if not self.target_modules:
            issues.append("target_modules must name at least one projection")
        if issues:
            raise ValueError("invalid training config:\n" + "\n".join(issues))

    @property
    def run_dir(self) -> Path:
        return Path(self.output_dir) / self.run_name

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def replace(self, **changes) -> "TrainConfig":
        config = dataclasses.replace(self, **coerce(changes))
        config.validate()
        return config


def coerce(changes: dict) -> dict:
    """Convert CLI strings ("2e-4", "true") to the field's type; unknown names are an error."""
    kinds = {f.name: f.type for f in fields(TrainConfig)}
    out = {}
    for name, value in changes.items():
        if name not in kinds:
            raise ValueError(f"unknown training setting {name!r}; known: {', '.join(sorted(kinds))}")
        kind = kinds[name]
        if isinstance(value, str) and kind != "str":
            if kind == "bool":
                value = value.lower() in ("1", "true", "yes", "on")
            elif kind == "int":
                value = int(value)
            elif kind == "float":
                value = float(value)
            elif kind.startswith("tuple"):
                value = tuple(v.strip() for v in value.split(",") if v.strip())
        elif kind.startswith("tuple") and isinstance(value, list):
            value = tuple(value)
        out[name] = value
    return out


def parse_overrides(pairs: list[str]) -> dict:
    """`["learning_rate=0", "max_steps=20"]` -> dict, with a clear error for a missing '='."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"--set expects NAME=VALUE, got {pair!r}")
        out[name.strip()] = value.strip()
    return out


def config_from_cli(path: Path | None, pairs: list[str], **flags) -> TrainConfig:
    """TOML file, then `--set NAME=VALUE` pairs, then the explicit flags that were given (not None)."""
    overrides = parse_overrides(pairs)
    overrides.update({k: v for k, v in flags.items() if v is not None})
    return load_config(path, **overrides)


def load_config(path: Path | None = None, **overrides) -> TrainConfig:
    """Defaults, then the TOML file's [train] table, then keyword overrides."""
    values: dict = {}
    if path is not None:
        with open(path, "rb") as handle:
            values = dict(tomllib.load(handle).get("train", {}))
    values.update({k: v for k, v in overrides.items() if v is not None})
    config = TrainConfig(**coerce(values))
    config.validate()
    return config
