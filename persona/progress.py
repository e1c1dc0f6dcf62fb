"""Progress lines with an ETA for long passes (training, batched generation), on the `persona.progress` logger.

A pass shows nothing for its first `first_after_s` seconds, so quick passes stay silent, then a line every
`every_s` seconds and one when it ends. Lines go to logging, not to a terminal: the pytest harness
(persona/harness/live.py) writes them past pytest's output capture; `persona train` shows trl's own bar.

    train: step 12/40 (30%), 71 s elapsed, ETA 2m46s, loss 2.41
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

LOGGER = logging.getLogger("persona.progress")


def duration(seconds: float) -> str:
    """73.4 -> '1m13s'; 9.2 -> '9s'."""
    seconds = max(0, round(seconds))
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def progress_line(what: str, done: float, total: float, elapsed_s: float, unit: str = "step",
                  note: str = "", upper_bound: bool = False) -> str:
    """One progress line; the ETA extrapolates the rate so far (marked '<=' when total is an upper bound)."""
    share = done / total if total else 1.0
    line = f"{what}: {unit} {int(done)}/{int(total)} ({share:.0%}), {duration(elapsed_s)} elapsed"
    if 0 < done < total:
        line += f", ETA {'<= ' if upper_bound else ''}{duration(elapsed_s * (total - done) / done)}"
    elif done >= total:
        line += ", done"
    return line + (f", {note}" if note else "")


@dataclass
class Progress:
    """Counts units of work of a pass and logs a line now and then."""
    what: str
    """Name of the pass, e.g. 'train' or 'generate (thinking on)'."""
    total: float
    """Units the pass will do (or at most do, with upper_bound)."""
    unit: str = "step"
    upper_bound: bool = False
    """The pass may end early (generation stops at end-of-turn): the ETA is then a ceiling."""
    first_after_s: float = 5.0
    """Passes shorter than this print nothing."""
    every_s: float = 15.0
    """Seconds between lines."""
    done: float = 0.0
    started: float = field(default_factory=time.perf_counter)
    last_shown: float | None = None
    shown_done: bool = False

    def advance(self, units: float = 1, note: str = "") -> None:
        self.done = min(self.total, self.done + units)
        now = time.perf_counter()
        since = now - (self.last_shown if self.last_shown is not None else self.started)
        if since >= (self.every_s if self.last_shown is not None else self.first_after_s):
            self._show(now, note)

    def finish(self, note: str = "") -> None:
        """The closing line, only if the pass showed any and has not shown its last one yet."""
        if self.last_shown is not None and not self.shown_done:
            self.done = self.total
            self._show(time.perf_counter(), note)

    def _show(self, now: float, note: str) -> None:
        self.last_shown, self.shown_done = now, self.done >= self.total
        LOGGER.info(progress_line(self.what, self.done, self.total, now - self.started, self.unit, note,
                                  self.upper_bound))


def trainer_callback(what: str = "train"):
    """A transformers TrainerCallback that reports optimizer steps (with the last logged loss)."""
    from transformers import TrainerCallback

    class TrainingProgress(TrainerCallback):
        def __init__(self):
            self.progress, self.loss = None, None

        def on_train_begin(self, args, state, control, **kwargs):
            self.progress = Progress(what, state.max_steps, done=state.global_step)

        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and "loss" in logs:
                self.loss = float(logs["loss"])

        def on_step_end(self, args, state, control, **kwargs):
            self.progress.done = state.global_step - 1
            self.progress.advance(1, self._note())

        def on_train_end(self, args, state, control, **kwargs):
            self.progress.finish(self._note())

        def _note(self) -> str:
            return f"loss {self.loss:.2f}" if self.loss is not None else ""

    return TrainingProgress()


def decode_steps_callback(progress: Progress):
    """A generate() stopping criterion that never stops: it counts decode steps into `progress`."""
    import torch
    from transformers import StoppingCriteria

    class CountSteps(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            progress.advance(1)
            return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)

    return CountSteps()
