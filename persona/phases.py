"""Wall time per phase of an eval run (load, train, each generation pass, compression): where the minutes go.

The harness times every session fixture's setup and every test body that takes a second or more; the
report and `<run>/phases.json` list them in the order they ran, with what the rest of the session took.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

LABELS = {
    "training": "train: build/load the model, optimizer steps, save",
    "trained_model": "load the fine-tuned model (adapter merged)",
    "test_answers": "generate: test answers",
    "base_answers": "load the base model + generate: base answers",
    "compression_results": "compression: summarize the fixture conversations",
    "compressed_answers": "generate: answers with and without compression",
}
"""Readable names for the session fixtures that do the expensive work; others show their own name."""


@dataclass
class Phase:
    name: str
    seconds: float
    note: str = ""


@dataclass
class PhaseClock:
    """Phases in the order they finished; `total_s` is the session's wall time once it is known."""
    phases: list[Phase] = field(default_factory=list)
    total_s: float | None = None

    _open: list = field(default_factory=list, repr=False)
    """Per phase in progress: [its start, seconds spent in phases nested inside it]."""

    def add(self, name: str, seconds: float, note: str = "") -> None:
        self.phases.append(Phase(LABELS.get(name, name), round(seconds, 2), note))

    def enter(self) -> None:
        import time

        self._open.append([time.perf_counter(), 0.0])

    def leave(self) -> float:
        """Seconds since the matching enter(), less what nested phases took (a fixture that sets up another)."""
        import time

        started, nested = self._open.pop()
        elapsed = time.perf_counter() - started
        if self._open:
            self._open[-1][1] += elapsed
        return elapsed - nested

    def rest_s(self) -> float | None:
        """Session time outside the listed phases (start-up, imports, short tests), when total_s is known."""
        if self.total_s is None:
            return None
        return round(self.total_s - sum(p.seconds for p in self.phases), 2)

    def to_json(self) -> dict:
        return {"phases": [vars(p) for p in self.phases], "total_s": self.total_s, "rest_s": self.rest_s()}

    def write(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2))

    def markdown(self) -> list[str]:
        if not self.phases:
            return []
        lines = ["| phase | seconds | note |", "|---|---|---|"]
        lines += [f"| {p.name} | {p.seconds:.1f} | {p.note} |" for p in self.phases]
        if self.total_s is not None:
            lines += [f"| the rest (start-up, imports, short tests) | {self.rest_s():.1f} | |",
                      f"| **session** | **{self.total_s:.1f}** | |"]
        return lines
