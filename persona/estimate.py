"""The full-project estimate the seed asks for ("can estimate realistic timeline for full project"): the toy
run's measured seconds per optimizer step and peak memory, projected to the full build's data sizes on the
machine the run used.

Sizes: 500 examples (about ten times the toy set: a first curated pass), 2,000 (a few years of one person's
messages after pairing and scrubbing) and 10,000 (a heavy user's whole exports). Each at 1 and 3 epochs (SFT
on a persona usually stops within a few passes; the toy run's many passes over 50 examples are for a quick
look, not a plan). Memory per step does not grow with the number of examples, only with sequence length and
batch, so the peak measured here is the projection's peak too. Whether the total is too long (the seed's
">12 weeks for the full project") stays the user's call: the build is more than training.
"""
from __future__ import annotations

import math

FULL_BUILD_SIZES = (500, 2_000, 10_000)
EPOCHS = (1, 3)


def project(log: list[dict], *, examples_per_step: int, machine: str) -> dict | None:
    """{"seconds_per_step", "examples_per_step", "peak_memory_gib", "machine", "rows": [...]}; None when the
    run logged no timing (nothing was trained)."""
    from persona.training_log import steady_seconds_per_step

    seconds = steady_seconds_per_step(log)
    if not seconds or examples_per_step < 1:
        return None
    peaks: dict[str, float] = {}
    for row in log:
        for name, value in (row.get("memory") or {}).items():
            peaks[name] = max(peaks.get(name, 0.0), value)
    rows = []
    for examples in FULL_BUILD_SIZES:
        for epochs in EPOCHS:
            steps = math.ceil(examples * epochs / examples_per_step)
            rows.append({"examples": examples, "epochs": epochs, "steps": steps,
                         "hours": round(steps * seconds / 3600, 2)})
    return {"seconds_per_step": round(seconds, 4), "examples_per_step": examples_per_step,
            "peak_memory_gib": peaks, "machine": machine, "rows": rows}


def markdown(estimate: dict | None) -> list[str]:
    """The report's section: the projection table, what it rests on, and the seed's judgement beside it."""
    if estimate is None:
        return ["No training steps were timed in this run, so there is nothing to project."]
    peak = ", ".join(f"{k} {v:.2f}" for k, v in estimate["peak_memory_gib"].items()) or "not logged"
    lines = [f"Measured on {estimate['machine']}: {estimate['seconds_per_step']} s per optimizer step of "
             f"{estimate['examples_per_step']} examples; peak memory {peak} GiB, which does not grow with the "
             "number of examples (it grows with sequence length and batch).", "",
             "| examples | epochs | optimizer steps | training time |", "|---|---|---|---|"]
    lines += [f"| {r['examples']:,} | {r['epochs']} | {r['steps']:,} | {_duration(r['hours'])} |"
              for r in estimate["rows"]]
    lines += ["", "Sizes: 500 (ten times the toy set), 2,000 (a few years of one person's messages), 10,000 (a "
                  "heavy user's whole exports). Your call, beside it: the seed's \"would take >12 weeks for "
                  "full project\" counts the whole build (data collection, compression, evaluation), not only "
                  "these hours."]
    return lines


def _duration(hours: float) -> str:
    if hours < 1:
        return f"{hours * 60:.0f} min"
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"
