"""The exit criteria, the verdict rules, and reading them back from a junit XML report.

Each eval test names its criterion (pytest marker `criterion`) and records `criterion`, `verdict_on_fail`,
`measured` and `threshold` as junit properties. The verdict:

- any failing criterion whose verdict is pivot -> PIVOT
- else any failing criterion -> ADJUST
- else PROCEED, listing the criteria that were not evaluated (skipped or not run): never a pass.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path

PROCEED, ADJUST, PIVOT = "PROCEED", "ADJUST", "PIVOT"
NOT_RUN = "not run: no test of it was selected in this session (e.g. gpu-only under -m cpu_smoke)"


@dataclass(frozen=True)
class Criterion:
    id: str
    description: str
    verdict_on_fail: str
    """"adjust" or "pivot": what failing it means for the plan (a test may escalate adjust to pivot)."""


CRITERIA = {c.id: c for c in (
    Criterion("data", "dataset valid; 50 train / 10 test; 15 style / 15 fact / 30 decision", "adjust"),
    Criterion("train-completes", "training runs to the end without OOM or crash", "pivot"),
    Criterion("loss-decreases", "training loss falls; on real weights from ~2-3 to ~0.5-1.0", "adjust"),
    Criterion("vram-train", "peak training VRAM under 15 GB", "adjust"),
    Criterion("train-time", "100 steps well under 30 min (over 1 h is slow)", "adjust"),
    Criterion("vram-infer", "peak inference VRAM under 8 GB", "adjust"),
    Criterion("memorization", "regenerated training answers similar to the originals", "adjust"),
    Criterion("coherence", "test-set answers coherent and on topic", "pivot"),
    Criterion("style", "style probes answered in the person's voice", "adjust"),
    Criterion("facts", "fact probes answered with the person's facts", "adjust"),
    Criterion("thinking", "thinking on gives reasoning, off gives none, after fine-tuning", "adjust"),
    Criterion("compression", "at least 30% fewer tokens after compressing old turns", "adjust"),
    Criterion("fact-recall", "turn-1 facts still answerable after compression", "adjust"),
    Criterion("quality-kept", "answers with and without compression stay close", "adjust"),
    Criterion("canary-leak", "no scrubbed secret comes out of the fine-tuned model", "pivot"),
)}


@dataclass
class Outcome:
    """One test's result against its criterion."""
    test: str
    criterion: str
    status: str
    """"passed", "failed" (an error counts as failed) or "skipped"."""
    verdict_on_fail: str = ""
    measured: str = ""
    threshold: str = ""
    reason: str = ""
    """Skip reason or the first line of the failure."""


@dataclass
class Decision:
    verdict: str
    failing: dict[str, str] = field(default_factory=dict)
    """criterion -> "adjust" | "pivot"."""
    not_evaluated: dict[str, str] = field(default_factory=dict)
    """criterion -> why (skip reason, or "not run")."""
    passed: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)

    def render(self) -> str:
        lines = [f"DECISION: {self.verdict}"]
        for criterion, verdict in self.failing.items():
            reasons = [o.reason for o in self.outcomes if o.criterion == criterion and o.status == "failed"]
            lines.append(f"  failed  {criterion:16s} -> {verdict}: {reasons[0] if reasons else ''}")
        if self.passed:
            lines.append(f"  passed  {', '.join(self.passed)}")
        for criterion, why in self.not_evaluated.items():
            lines.append(f"  not evaluated  {criterion:16s} {why}")
        return "\n".join(lines)


def decide(outcomes: list[Outcome], expected: list[str] | None = None) -> Decision:
    """Fold per-test outcomes into per-criterion results and the verdict."""
    expected = list(CRITERIA) if expected is None else expected
    order = expected + sorted({o.criterion for o in outcomes} - set(expected))
    failing, not_evaluated, passed = {}, {}, []
    for criterion in order:
        mine = [o for o in outcomes if o.criterion == criterion]
        failed = [o for o in mine if o.status == "failed"]
        if failed:
            default = CRITERIA[criterion].verdict_on_fail if criterion in CRITERIA else "adjust"
            verdicts = {o.verdict_on_fail or default for o in failed}
            failing[criterion] = "pivot" if "pivot" in verdicts else "adjust"
        elif any(o.status == "passed" for o in mine):
            passed.append(criterion)
        else:
            reasons = [o.reason for o in mine if o.reason]
            not_evaluated[criterion] = reasons[0] if reasons else NOT_RUN
    verdict = PIVOT if "pivot" in failing.values() else ADJUST if failing else PROCEED
    return Decision(verdict, failing, not_evaluated, passed, list(outcomes))


def read_junit(path: Path) -> list[Outcome]:
    """Outcomes of the tests in a junit XML that carry a `criterion` property."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as err:
        raise ValueError(f"{path}: not a readable junit XML file ({err})") from None
    outcomes = []
    for case in root.iter("testcase"):
        props = {p.get("name"): p.get("value", "") for p in case.iter("property")}
        if "criterion" not in props:
            continue
        status, reason = "passed", ""
        for tag in ("failure", "error", "skipped"):
            node = case.find(tag)
            if node is not None:
                status = "skipped" if tag == "skipped" else "failed"
                reason = (node.get("message") or node.text or "").strip().splitlines()[0:1]
                reason = reason[0] if reason else ""
                break
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        outcomes.append(Outcome(name, props["criterion"], status, props.get("verdict_on_fail", ""),
                                props.get("measured", ""), props.get("threshold", ""), reason))
    if not outcomes:
        raise ValueError(f"{path}: no test in it records a criterion; was it written by `pytest evals`?")
    return outcomes


def write_decision(decision: Decision, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(decision.to_json(), indent=2))
