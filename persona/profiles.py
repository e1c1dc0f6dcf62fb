"""Per-model training defaults: where the seed's hyperparameters (tuned for Qwen3-1.7B QLoRA on a GPU) do not
fit a model, its measured settings sit here, under the TOML file and the command line.

Measurements behind each profile: docs/benchmarks.md.
"""
from __future__ import annotations

PROFILES: dict[str, dict] = {
    "smollm2-135m": {
        # measured on the toy set (docs/benchmarks.md): assistant-only loss 4.2 -> 0.6 in 40 steps at 6e-3,
        # while 2e-3 was still at 3.2 after 16 steps and the seed's 2e-4 barely moves it
        "learning_rate": 6e-3,
        "max_steps": 40,         # ~6.4 epochs of the 50 toy rows at batch 2 x accumulation 4 (the seed's)
        "warmup_steps": 3,
        "max_seq_length": 512,   # the longest toy row is 291 tokens with this tokenizer
        "logging_steps": 1,      # 40 steps: the whole loss curve in training.log
        "save_steps": 1000,      # no mid-run checkpoints on a run this short
    },
}
"""--model value -> TrainConfig fields that replace the seed defaults for it."""


def profile_for(model: str) -> dict:
    """The model's training defaults (a copy; empty when the seed's defaults apply)."""
    return dict(PROFILES.get(model, {}))
