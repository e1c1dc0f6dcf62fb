"""The verdict rules: per-test outcomes folded into one decision about the plan's model.

Each eval test names its criterion (pytest marker `criterion`, persona.criteria) and records `criterion`,
`verdict_on_fail`, `measured` and `threshold` as junit properties (and, where the measure has them, `n`,
`estimate`, `interval` and `controls`). Per criterion:

- failed: one of its tests failed an assertion (a measured failure);
- errored: a test raised anything else (a broken tool, a missing module): nothing was measured;
- not evaluated: skipped (an undecided interval among the reasons), or not run in this session;
- passed: every one of its tests ran and passed.

The rules, for the model evaluated: PIVOT if any measured failure is a pivot; else INCOMPLETE if a criterion
that can pivot (persona.criteria's `can_pivot`) was not measured, since a mild verdict would hide what it might
have found; else ADJUST if any measured failure; else INCOMPLETE if any criterion errored or was not evaluated;
else PROCEED. The verdict about the plan is that one when the model evaluated is the plan's model, and
INCOMPLETE when it was a stand-in (the harness's choice on a machine that cannot train the plan's model): a
135M model's verdict is about the 135M model. A crash never decides anything.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Mapping

from persona.criteria import CRITERIA, PIVOT as PIVOT_ON_FAIL, Criterion
from persona.verdicts import (ADJUST, EXIT_BAD_INPUT, EXIT_CODES, INCOMPLETE, NOT_RUN, PIVOT,  # noqa: F401
                              PROCEED, UNDECIDED, YOUR_CALL)

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
    n: int | None = None
    """Sample size of the measure, where it has one."""
    estimate: float | None = None
    """The measure's point estimate."""
    interval: str = ""
    """95% interval of the estimate, "LO..HI"."""
    controls: str = ""
    """What the measure was compared against in the same run, comma-separated ("base,shuffled")."""


@dataclass
class RunFacts:
    """What a decision is about: the model evaluated and the plan's, the machine, the thresholds' overrides."""
    model: str = ""
    """The --model evaluated."""
    plan_model: str = ""
    """The model the plan is about: the one the user named, else the plan's default (Qwen3-1.7B)."""
    kind: str = ""
    """"real", "synthetic" or "tiny": what the evaluated weights can say."""
    stand_in: bool = False
    """The harness evaluated another model in place of the plan's (no CUDA: smollm2-135m or tiny)."""
    machine: str = ""
    """CPU or GPU, in words."""
    cuda: bool | None = None
    persona_version: str = ""
    commit: str = ""
    """The checkout's git commit, when persona runs from one."""
    overrides: list[str] = field(default_factory=list)
    """--threshold values the run used (ID[.NAME]=VALUE)."""


@dataclass
class Decision:
    verdict: str
    """The verdict about the plan's model: the one printed and the exit code."""
    own_verdict: str = ""
    """What the rules give for the model evaluated; differs from `verdict` only for a stand-in."""
    failing: dict[str, str] = field(default_factory=dict)
    """criterion -> "adjust" | "pivot", for measured failures."""
    errored: dict[str, str] = field(default_factory=dict)
    """criterion -> the exception line that stopped its measurement."""
    not_evaluated: dict[str, str] = field(default_factory=dict)
    """criterion -> why (skip reason, "undecided: ...", or "not run")."""
    passed: list[str] = field(default_factory=list)
    unmeasured_pivots: list[str] = field(default_factory=list)
    """Criteria that can pivot but were not measured: no ADJUST or PROCEED while there are any."""
    outcomes: list[Outcome] = field(default_factory=list)
    facts: RunFacts = field(default_factory=RunFacts)
    criteria: dict[str, dict] = field(default_factory=dict)
    """criterion -> its record as judged (version, on_fail, can_pivot, thresholds), overrides applied."""
    figures: dict = field(default_factory=dict)
    """What the run measured beside the criteria (the full-project estimate); decides nothing."""

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def result_of(self, criterion: str) -> str:
        if criterion in self.failing:
            return f"failed ({self.failing[criterion]})"
        if criterion in self.errored:
            return "errored"
        if criterion in self.passed:
            return "passed"
        return "undecided" if self.not_evaluated.get(criterion, "").startswith(UNDECIDED) else "not evaluated"

    def render(self, criteria: Mapping[str, Criterion] | None = None) -> str:
        from persona.verdict_text import render  # the words live beside the rules, not inside them

        return render(self)


def with_figures(outcome: Outcome, props: Mapping[str, str]) -> Outcome:
    """The outcome with the sample figures its test recorded as properties (n, estimate, interval, controls)."""
    return replace(outcome, n=_number(props.get("n"), int), estimate=_number(props.get("estimate"), float),
                   interval=str(props.get("interval", "")), controls=str(props.get("controls", "")))


def _number(value, kind):
    try:
        return kind(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def can_pivot(criterion: Criterion) -> bool:
    """A failure of it can be a pivot: its seed verdict is pivot, or one of its thresholds escalates."""
    return criterion.on_fail == PIVOT_ON_FAIL or any(t.pivot_if for t in criterion.thresholds.values())


def decide(outcomes: list[Outcome], criteria: Mapping[str, Criterion] = CRITERIA,
           facts: RunFacts | None = None) -> Decision:
    """Fold per-test outcomes into per-criterion results and the verdict; every registry criterion counts."""
    facts = facts or RunFacts()
    order = list(criteria) + sorted({o.criterion for o in outcomes} - set(criteria))
    decision = Decision(PROCEED, outcomes=list(outcomes), facts=facts,
                        criteria={c: snapshot(criteria[c]) for c in order if c in criteria})
    for criterion in order:
        _fold(decision, criterion, [o for o in outcomes if o.criterion == criterion], criteria, facts)
    measured = set(decision.failing) | set(decision.passed)
    decision.unmeasured_pivots = [c for c in criteria if can_pivot(criteria[c]) and c not in measured]
    if PIVOT_ON_FAIL in decision.failing.values():
        own = PIVOT
    elif decision.unmeasured_pivots:
        own = INCOMPLETE
    elif decision.failing:
        own = ADJUST
    elif decision.errored or decision.not_evaluated:
        own = INCOMPLETE
    else:
        own = PROCEED
    decision.own_verdict = own
    decision.verdict = INCOMPLETE if facts.stand_in else own
    return decision


def _fold(decision: Decision, criterion: str, mine: list[Outcome], criteria: Mapping[str, Criterion],
          facts: RunFacts) -> None:
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
        why = reasons[0] if reasons else _not_run(criteria.get(criterion), facts)
        decision.not_evaluated[criterion] = f"partly: {why}" if passed else why


def _not_run(criterion: Criterion | None, facts: RunFacts) -> str:
    """Why a criterion no test of which ran was left out: what this machine or model lacks, when it lacks it."""
    if criterion is None:
        return NOT_RUN
    lacks = []
    if facts.kind and facts.kind not in criterion.kinds:
        lacks.append(f"{' or '.join(sorted(criterion.kinds))} weights ({facts.kind} weights say nothing about it)")
    if criterion.needs_cuda and facts.cuda is False:
        lacks.append("a CUDA GPU (none on this machine)")
    return f"needs {' and '.join(lacks)}" if lacks else NOT_RUN


def snapshot(criterion: Criterion) -> dict:
    """A criterion as judged, for the record: version, seed verdict, whether it can pivot, its thresholds."""
    thresholds = {name: {"value": t.value, "direction": t.direction, "unit": t.unit, "by_kind": dict(t.by_kind),
                         "pivot_if": list(t.pivot_if) if t.pivot_if else None}
                  for name, t in criterion.thresholds.items()}
    return {"version": str(criterion.version), "on_fail": criterion.on_fail, "can_pivot": can_pivot(criterion),
            "needs": criterion.requirement(), "seed": criterion.seed,
            "override_notes": list(criterion.overridden), "thresholds": thresholds}


def failure_status(message: str, kind: str = "") -> str:
    """"failed" for a measured failure (an assertion), "errored" for any exception."""
    if kind in ("failed", "errored"):
        return kind
    return "failed" if MEASURED_FAILURE.match(message.strip()) else "errored"


def to_json(decision: Decision) -> dict:
    """The whole record: verdicts and exit code, what it is about, each criterion with its tests' figures."""
    record = {"verdict": decision.verdict, "exit_code": decision.exit_code, "own_verdict": decision.own_verdict,
              **asdict(decision.facts), "failing": decision.failing, "errored": decision.errored,
              "not_evaluated": decision.not_evaluated, "passed": decision.passed,
              "unmeasured_pivots": decision.unmeasured_pivots, "criteria": {}}
    for criterion, judged in decision.criteria.items():
        tests = [asdict(o) for o in decision.outcomes if o.criterion == criterion]
        why = decision.not_evaluated.get(criterion) or decision.errored.get(criterion, "")
        record["criteria"][criterion] = {"result": decision.result_of(criterion), "why": why, **judged,
                                         "tests": tests}
    record["figures"] = decision.figures
    record["your_call"] = [{"seed": where, "words": words} for where, words in YOUR_CALL]
    return record
