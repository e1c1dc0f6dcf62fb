"""Per-model training defaults: where the seed's hyperparameters (tuned for Qwen3-1.7B QLoRA on a GPU) do not
fit a model, its measured settings sit in its source record (persona.model_sources: `NamedSource.training`),
and `profile_for` reads them. One precedence rule for every entry point (persona.config.load_config): the
seed's defaults, then the model's profile, then the TOML file, then the command line (`--set`).

Measurements behind each profile: docs/benchmarks.md and the source modules.
"""
from __future__ import annotations

from persona.model_sources import named_sources


def profiles() -> dict[str, dict]:
    """--model value -> TrainConfig fields that replace the seed defaults for it (named sources only)."""
    return {name: dict(source.training) for name, source in named_sources().items() if source.training}


def profile_for(model: str) -> dict:
    """The model's training defaults (a copy; empty when the seed's defaults apply)."""
    source = named_sources().get(model)
    return dict(source.training) if source is not None else {}
