"""training.log: one JSON line per logging step (step, loss, learning rate, seconds per step, memory), written
by a trainer callback as training goes, read back by persona.runs and the reports, cut back on `--resume`."""
from __future__ import annotations

import json
import time
from pathlib import Path

from persona import atomic
from persona.vram import GIB, peak_memory_gib


def log_callback(path: Path, sampler=None):
    """A TrainerCallback appending one line per logging step; seconds_per_step averages since the last line."""
    from transformers import TrainerCallback

    class TrainingLog(TrainerCallback):
        def __init__(self):
            self.last_time, self.last_step = time.perf_counter(), 0

        def on_log(self, args, state, control, logs=None, **kwargs):
            if not logs or "loss" not in logs:
                return
            now = time.perf_counter()
            steps = max(state.global_step - self.last_step, 1)
            row = {"step": state.global_step, "loss": float(logs["loss"]),
                   "learning_rate": float(logs.get("learning_rate", 0.0)),
                   "seconds_per_step": round((now - self.last_time) / steps, 4), "memory": peak_memory_gib()}
            if sampler is not None:
                row["memory"]["nvml_used_gib"] = round(sampler.used_bytes() / GIB, 3)
            self.last_time, self.last_step = now, state.global_step
            append(path, row)

    return TrainingLog()


def append(path: Path, row: dict) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(row) + "\n")


def read_log(path: Path) -> list[dict]:
    if not Path(path).exists():
        return []
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def keep_log_until(log_path: Path, step: int) -> None:
    """Drop training.log rows after `step`: a resumed run trains (and logs) those steps again."""
    rows = read_log(log_path)
    kept = [row for row in rows if row.get("step", 0) <= step]
    if len(kept) < len(rows):
        atomic.write_text(log_path, "".join(json.dumps(row) + "\n" for row in kept))


def steady_seconds_per_step(log: list[dict]) -> float | None:
    """Mean seconds per step after the first logged window (which pays for compilation and warm-up)."""
    times = [row["seconds_per_step"] for row in log if "seconds_per_step" in row][1:]
    return sum(times) / len(times) if times else None
