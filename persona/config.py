"""Training configuration: the seed plan's hyperparameters as defaults, overridable from TOML and the CLI.

    [train]
    model = "unsloth/Qwen3-1.7B"   # hub id, local dir, "synthetic:qwen3-1.7b" or "tiny"
    max_steps = 100
    learning_rate = 2e-4

A TrainConfig holds two halves: RunSettings (the model, the training file, where the run is written) and
Hyperparameters (the backend and everything else that shapes the trained weights, hashed whole by the training
cache, persona.runs). Users never see the split: the [train] table and `--set NAME=VALUE` take every name flat.
"""
from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from persona import backends
from persona.models import DEFAULT_MODEL, run_name_for
from persona.shipped import TOY_DATA

TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass
class RunSettings:
    """What a run trains on and where it is written. The cache key hashes what the first two stand for (the
    model's identity, the training file's bytes), never the names; where the run goes changes nothing."""
    model: str = DEFAULT_MODEL
    """Hub id, local directory, "synthetic:qwen3-1.7b" (real shape, random weights) or "tiny" (CPU smoke)."""
    train_file: str = str(TOY_DATA / "train.jsonl")
    """JSONL training examples (see persona.data); default the shipped toy set (data/toy/ in a checkout)."""
    output_dir: str = "models"
    """Runs are written to output_dir/<run_name>/."""
    run_name: str = "toy"
    """Folder name of this run under output_dir; load_config derives it from the model (run_name_for)."""


@dataclass
class Hyperparameters:
    """How a run trains: every value that can change the trained weights, the backend included (Unsloth brings
    its own kernels and gradient checkpointing). The cache key hashes this object whole."""
    backend: str = "auto"
    """"unsloth", "hf" (transformers + peft + trl), or "auto": unsloth when CUDA and unsloth are present."""
    max_seq_length: int = 2048
    """Tokens per training row; longer rows are cut at the end (never losing the whole answer)."""
    load_in_4bit: bool = True
    """QLoRA: 4-bit base weights under LoRA on CUDA (bitsandbytes); ignored on CPU and by a full fine-tune,
    whose weights are all trained (persona.backends.hf.loading)."""
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

    def issues(self) -> list[str]:
        """Every bad value, one line each."""
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
        if self.backend not in backends.choices():
            issues.append(f"backend must be {backends.choices_text()}, got {self.backend!r}")
        if not self.target_modules:
            issues.append("target_modules must name at least one projection")
        return issues


@dataclass
class TrainConfig:
    """A run's settings and its hyperparameters. TOML [train] tables, --set, from_settings() and replace() name
    every setting flat (`max_steps`, `output_dir`): each name belongs to one of the two halves."""
    run: RunSettings = field(default_factory=RunSettings)
    """Model, training file, output folder and run name."""
    hparams: Hyperparameters = field(default_factory=Hyperparameters)
    """Backend and training hyperparameters."""

    @classmethod
    def from_settings(cls, **settings) -> "TrainConfig":
        """A config from flat setting names, as they are (see load_config for conversion and checks)."""
        run, hparams = _split(settings)
        return cls(RunSettings(**run), Hyperparameters(**hparams))

    def validate(self) -> None:
        """Raise ValueError listing every bad value at once."""
        issues = self.hparams.issues()
        if issues:
            raise ValueError("invalid training config:\n" + "\n".join(issues))

    @property
    def run_dir(self) -> Path:
        return Path(self.run.output_dir) / self.run.run_name

    def to_dict(self) -> dict:
        """Every setting by its flat name, in declaration order (what config.json holds)."""
        return {**dataclasses.asdict(self.run), **dataclasses.asdict(self.hparams)}

    def replace(self, **changes) -> "TrainConfig":
        run, hparams = _split(coerce(changes))
        config = TrainConfig(dataclasses.replace(self.run, **run), dataclasses.replace(self.hparams, **hparams))
        config.validate()
        return config


def setting_types() -> dict[str, str]:
    """Every setting's flat name -> its annotated type ("int", "tuple[str, ...]", ...)."""
    return {f.name: f.type for half in (RunSettings, Hyperparameters) for f in fields(half)}


def _split(settings: dict) -> tuple[dict, dict]:
    """Flat settings -> (RunSettings fields, Hyperparameters fields); a name of neither is a TypeError."""
    run_names = {f.name for f in fields(RunSettings)}
    hparam_names = {f.name for f in fields(Hyperparameters)}
    unknown = set(settings) - run_names - hparam_names
    if unknown:
        raise TypeError(f"unknown training setting(s): {', '.join(sorted(unknown))}")
    return ({k: v for k, v in settings.items() if k in run_names},
            {k: v for k, v in settings.items() if k in hparam_names})


_EXPECTS = {"int": "an integer", "float": "a number", "bool": "true or false", "str": "a string"}
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _coerce_one(name: str, kind: str, value, origin: str):
    """One setting converted to its field's type, or ValueError naming it and what it expects."""
    expects = "a list of names (comma-separated on the command line)" if kind.startswith("tuple") \
        else _EXPECTS.get(kind, kind)
    problem = ValueError(f"{origin}{name} expects {expects}, got {value!r}")
    if kind.startswith("tuple"):
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise problem
    if isinstance(value, str) and kind != "str":
        text = value.strip().lower()
        if kind == "bool" and text in _TRUE + _FALSE:
            return text in _TRUE
        try:
            return {"int": int, "float": float}[kind](value)
        except (KeyError, ValueError):
            raise problem from None
    ok = {"str": isinstance(value, str), "bool": isinstance(value, bool),
          "int": isinstance(value, int) and not isinstance(value, bool),
          "float": isinstance(value, (int, float)) and not isinstance(value, bool)}.get(kind, True)
    if not ok:
        raise problem
    return float(value) if kind == "float" else value


def coerce(changes: dict, origin: str = "") -> dict:
    """Convert CLI strings ("2e-4", "true") and TOML values to the field's type; unknown names and values
    of the wrong type are errors naming the setting (and `origin`: "--set " or "FILE: ")."""
    kinds = setting_types()
    out = {}
    for name, value in changes.items():
        if name not in kinds:
            raise ValueError(f"{origin}unknown training setting {name!r}; known: {', '.join(sorted(kinds))}")
        out[name] = _coerce_one(name, kinds[name], value, origin)
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
    overrides = coerce(parse_overrides(pairs), origin="--set ")
    overrides.update({k: v for k, v in flags.items() if v is not None})
    return load_config(path, **overrides)


def read_toml(path: Path) -> dict:
    """The [train] table of a TOML file, or ValueError in one line naming the file and what is wrong."""
    path = Path(path)
    where = f"--config {path}"
    if path.is_dir():
        raise ValueError(f"{where}: is a directory, expected a TOML file with a [train] table")
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise ValueError(f"{where}: no such file (expected a TOML file with a [train] table)") from None
    except OSError as err:
        raise ValueError(f"{where}: cannot read ({err.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{where}: not valid TOML ({err})") from None
    table = document.get("train", {})
    if not isinstance(table, dict):
        raise ValueError(f"{where}: 'train' must be a table ([train]), got {type(table).__name__}")
    return dict(table)


def load_config(path: Path | None = None, **overrides) -> TrainConfig:
    """Defaults, then the model's profile (persona.profiles), then the TOML file's [train] table, then overrides."""
    from persona.profiles import profile_for

    values = coerce(read_toml(path), origin=f"{path}: ") if path is not None else {}
    values.update(coerce({k: v for k, v in overrides.items() if v is not None}))
    model = str(values.get("model", DEFAULT_MODEL))
    values = {**coerce(profile_for(model)), "run_name": run_name_for(model), **values}
    config = TrainConfig.from_settings(**values)
    config.validate()
    return config
