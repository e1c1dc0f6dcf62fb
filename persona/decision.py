"""The verdict rules, and reading the outcomes back from a junit XML report.

Each eval test names its criterion (pytest marker `criterion`, persona.criteria) and records `criterion`,
`verdict_on_fail`, `measured` and `threshold` as junit properties. Per criterion:

- failed: one of its tests failed an assertion (a measured failure);
- errored: a test raised anything else (a broken tool, a missing module): nothing was measured;
- not evaluated: skipped, or not run in this session, with the reason;
- passed: every one of its tests ran and passed.

The verdict: PIVOT if any measured failure is a pivot; else ADJUST if any measured failure; else INCOMPLETE
if any criterion errored or was not evaluated; else PROCEED. So PROCEED means every criterion of the plan
was measured and passed, and a crash never decides anything.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Mapping

from persona.criteria import CRITERIA, PIVOT as PIVOT_ON_FAIL, Criterion

PROCEED, ADJUST, PIVOT, INCOMPLETE = "PROCEED", "ADJUST", "PIVOT", "INCOMPLETE"
EXIT_CODES = {PROCEED: 0, ADJUST: 10, PIVOT: 11, INCOMPLETE: 12}
"""Exit status of `persona evaluate` and `persona decide` per verdict; 2 is bad input, 130 Ctrl-C."""
EXIT_BAD_INPUT = 2
NOT_RUN = "not run: no test of it was selected in this session"
MEASURED_FAILURE = re.compile(r"^(AssertionError\b|assert\b|Failed:)")
"""How pytest's junit writes a failed assertion or pytest.fail(); any other `Name: ...` is an exception."""


@dataclass
class Outcome:
    """One test's result against its criterion."""
    test: str
    criterion: str
    status: str
    """"passed", "failed" (a measured failure), "errored" (an exception) or "skipped"."""
    verdict_on_fail: str = ""
    """A verdict the test asked for; it can escalate the registry's, never soften it."""
    measured: str = ""
    threshold: str = ""
    reason: str = ""
    """Skip reason, or the first line of the failure or exception."""


@dataclass
class Decision:
    verdict: str
    failing: dict[str, str] = field(default_factory=dict)
    """criterion -> "adjust" | "pivot", for measured failures."""
    errored: dict[str, str] = field(default_factory=dict)
    """criterion -> the exception line that stopped its measurement."""
    not_evaluated: dict[str, str] = field(default_factory=dict)
    """criterion -> why (skip reason, or "not run")."""
    passed: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def to_json(self) -> dict:
        return {**asdict(self), "exit_code": self.exit_code}

    def render(self, criteria: Mapping[str, Criterion] = CRITERIA) -> str:
        lines = [f"DECISION: {self.verdict}"]
        for criterion, verdict in self.failing.items():
            reasons = [o.reason for o in self.outcomes if o.criterion == criterion and o.status == "failed"]
            lines.append(f"  failed  {criterion:16s} -> {verdict}: {reasons[0] if reasons else ''}")
        for criterion, why in self.errored.items():
            lines.append(f"  errored  {criterion:15s} {why}")
        if self.passed:
            lines.append(f"  passed  {', '.join(self.passed)}")
        for criterion, why in self.not_evaluated.items():
            lines.append(f"  not evaluated  {criterion:16s} {why}")
        if self.verdict == INCOMPLETE:
            lines += ["", *self.completion_hints(criteria)]
        return "\n".join(lines)

    def completion_hints(self, criteria: Mapping[str, Criterion] = CRITERIA) -> list[str]:
        """Why the decision is incomplete, and what would complete it."""
        lines = ["Everything that was measured passed, but the decision is incomplete:"]
        if self.errored:
            lines.append(f"  - {', '.join(self.errored)} raised an error (a broken tool or setup, not a "
                         "measurement): fix it and run again")
        needs = defaultdict(list)
        for criterion, why in self.not_evaluated.items():
            known = criteria.get(criterion)
            requirement = known.requirement() if known else "any machine"
            if requirement == "any machine":  # nothing stops it here: the selection left it out
                requirement = "a run that selects it (no -m / -k leaving it out)"
            elif why == NOT_RUN:
                requirement += " (not selected in this run)"
            needs[requirement].append(criterion)
        for requirement, ids in needs.items():
            lines.append(f"  - {', '.join(ids)}: {'need' if len(ids) > 1 else 'needs'} {requirement}")
        return lines


def decide(outcomes: list[Outcome], criteria: Mapping[str, Criterion] = CRITERIA) -> Decision:
    """Fold per-test outcomes into per-criterion results and the verdict; every registry criterion counts."""
    order = list(criteria) + sorted({o.criterion for o in outcomes} - set(criteria))
    decision = Decision(PROCEED, outcomes=list(outcomes))
    for criterion in order:
        mine = [o for o in outcomes if o.criterion == criterion]
        failed = [o for o in mine if o.status == "failed"]
        errored = [o for o in mine if o.status == "errored"]
        passed = [o for o in mine if o.status == "passed"]
        if failed:
            registry = criteria[criterion].on_fail if criterion in criteria else "adjust"
            verdicts = {registry, *(o.verdict_on_fail for o in failed)}
            decision.failing[criterion] = "pivot" if PIVOT_ON_FAIL in verdicts else "adjust"
        elif errored:
            decision.errored[criterion] = errored[0].reason or "the test raised an error"
        elif mine and len(passed) == len(mine):
            decision.passed.append(criterion)
        else:
            reasons = [o.reason.removeprefix("not evaluated: ") for o in mine if o.status == "skipped" and o.reason]
            why = reasons[0] if reasons else NOT_RUN
            decision.not_evaluated[criterion] = f"partly: {why}" if passed else why
    if PIVOT_ON_FAIL in decision.failing.values():
        decision.verdict = PIVOT
    elif decision.failing:
        decision.verdict = ADJUST
    elif decision.errored or decision.not_evaluated:
        decision.verdict = INCOMPLETE
    return decision


def failure_status(message: str, kind: str = "") -> str:
    """"failed" for a measured failure (an assertion), "errored" for any exception."""
    if kind in ("failed", "errored"):
        return kind
    return "failed" if MEASURED_FAILURE.match(message.strip()) else "errored"


def read_junit(path: Path, criteria: Mapping[str, Criterion] = CRITERIA) -> list[Outcome]:
    """Outcomes of the tests in a junit XML that carry a `criterion` property; ValueError on a bad file."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as err:
        raise ValueError(f"{path}: not a readable junit XML file ({err})") from None
    outcomes = []
    for case in root.iter("testcase"):
        props = {p.get("name"): p.get("value", "") for p in case.iter("property")}
        if "criterion" not in props:
            continue
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        criterion = props["criterion"].strip()
        if criterion not in criteria:
            raise ValueError(f"{path}: test {name} names criterion {criterion!r}, which is not one of "
                             f"{', '.join(criteria)}")
        status, reason = _status(case, props.get("failure_kind", ""))
        outcomes.append(Outcome(name, criterion, status, props.get("verdict_on_fail", ""),
                                props.get("measured", ""), props.get("threshold", ""), reason))
    if not outcomes:
        raise ValueError(f"{path}: no test in it records a criterion; was it written by `pytest evals`?")
    return outcomes


def _status(case: ET.Element, kind: str) -> tuple[str, str]:
    for tag in ("error", "failure", "skipped"):
        node = case.find(tag)
        if node is None:
            continue
        text = (node.get("message") or node.text or "").strip()
        reason = text.splitlines()[0] if text else ""
        if tag == "skipped":
            return "skipped", reason
        if tag == "error":
            return "errored", reason
        return failure_status(text, kind), reason
    return "passed", ""


def write_decision(decision: Decision, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(decision.to_json(), indent=2))
