"""Per-model training defaults: where the seed's hyperparameters (tuned for Qwen3-1.7B QLoRA on a GPU) do not
fit a model, its measured settings sit here, under the TOML file and the command line.

Measurements behind each profile: docs/benchmarks.md.
"""
from __future__ import annotations

PROFILES: dict[str, dict] = {
    "smollm2-135m": {
        "learning_rate": 2e-3,
        "max_steps": 40,
        "warmup_steps": 3,
        "max_seq_length": 512,
        "logging_steps": 5,
        "save_steps": 1000,
    },
}
"""--model value -> TrainConfig fields that replace the seed defaults for it."""


def profile_for(model: str) -> dict:
    """The model's training defaults (a copy; empty when the seed's defaults apply)."""
    return dict(PROFILES.get(model, {}))
