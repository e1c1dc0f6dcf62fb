"""Criterion tests: the `criterion` fixture that checks measured values against the registry, the skips of
criteria the model kind or the machine cannot settle, and the outcome of each test as the verdict reads it.

Every eval test carries `@pytest.mark.criterion("<id>")` (persona.criteria). At setup a test is skipped, saying
why, when the model kind or the machine cannot settle its criterion (the registry's `kinds` and `needs_cuda`; a
test that can run more widely says `kinds=...` on its marker). `criterion.check(measured, name)` compares a
measured value with the threshold, records both as junit properties and asserts; an assertion is a measured
failure, any other exception an error (`failure_kind`).
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from persona import device
from persona.criteria import ALL_KINDS
from persona.decision import Outcome, failure_status


@dataclass
class CriterionCheck:
    """Compares one test's measured values with its criterion's thresholds, records them, asserts."""
    item: pytest.Item
    criterion: object
    """The persona.criteria.Criterion record (with any --threshold override applied)."""
    kind: str
    """Model kind of this session: some thresholds differ by kind."""

    def threshold(self, name: str | None = None):
        return self.criterion.threshold(name)

    def value(self, name: str | None = None) -> float:
        """A threshold's bound for this model kind (for per-item rules such as coherence's loop check)."""
        return self.criterion.threshold(name).bound(self.kind)

    def check(self, measured: float, name: str | None = None, *, scale: float = 1.0, shown: str = "",
              detail: str = "", pivot: bool | None = None) -> None:
        """Record measured value, threshold and verdict as junit properties, then assert the threshold.

        `scale` multiplies the bound (a recall judged against the model's own uncompressed recall); `shown`
        replaces the measured number in the record; `detail` goes into the failure message; `pivot` decides the
        escalation instead of the measured value (judge() escalates on the whole interval).
        """
        threshold = self.criterion.threshold(name)
        label = name or next(iter(self.criterion.thresholds))
        passed = threshold.passes(measured, self.kind, scale)
        described = threshold.describe(self.kind, scale)
        props = self.item.user_properties
        if not passed and (threshold.escalates(measured) if pivot is None else pivot):
            props[:] = [p for p in props if p[0] != "verdict_on_fail"] + [("verdict_on_fail", "pivot")]
        value = shown or (f"{measured:.4g}" if isinstance(measured, float) else str(measured))
        _append_property(props, "measured", f"{label}={value}")
        _append_property(props, "threshold", f"{label} {described}")
        assert passed, f"{self.criterion.id}: {label} measured {value}, expected {described}" + \
            (f"; {detail}" if detail else "")

    def judge(self, measured, name: str | None = None, *, detail: str = "", pivot: bool | None = None) -> None:
        """Decide a Measurement on its 95% interval: pass when all of it clears the bar, fail when none of it does
        (escalating to pivot only when all of it meets the pivot line, or as `pivot` says), else skip as undecided.

        Records n, the estimate, the interval and the controls as junit properties first, whatever the outcome.
        """
        threshold = self.criterion.threshold(name)
        label = name or next(iter(self.criterion.thresholds))
        low, high = measured.low, measured.high
        props = self.item.user_properties
        for key, value in (("n", str(measured.n)), ("estimate", f"{label}={measured.estimate:.4g}"),
                           ("interval", f"{label}={low:.4g}..{high:.4g}"),
                           ("controls", ", ".join(f"{k}={v:.4g}" for k, v in measured.controls.items()))):
            _append_property(props, key, value)
        passes = [threshold.passes(v, self.kind) for v in (low, high)]
        if passes[0] != passes[1]:
            _append_property(props, "measured", f"{label}={measured.estimate:.4g}")
            _append_property(props, "threshold", f"{label} {threshold.describe(self.kind)}")
            pytest.skip(f"undecided: {self.criterion.id} {label} {measured.estimate:.3g}, 95% interval "
                        f"{low:.3g}..{high:.3g} over n={measured.n} straddles the bar "
                        f"({threshold.describe(self.kind)}): needs more prompts" + (f"; {detail}" if detail else ""))
        escalate = all(threshold.escalates(v) for v in (low, high)) if pivot is None else pivot
        interval = f"95% interval {low:.3g}..{high:.3g}, n={measured.n}"
        self.check(low, name, shown=f"{measured.estimate:.4g}", pivot=escalate,
                   detail="; ".join(x for x in (interval, measured.detail, detail) if x))

    def judge_sets(self, measured: dict, name: str, *, detail: str = "") -> None:
        """Decide one measure taken on several sets by the worst of them: a set whose interval fails the bar
        decides (the lowest estimate of those), else an undecided one, else they all pass. Pooling the sets would
        let one set's gain hide another's loss. The failure escalates to pivot only when every set's interval
        meets the pivot line (one set at nothing while another keeps some is not "nothing survives")."""
        threshold = self.criterion.threshold(name)

        def escalates(m) -> bool:
            return threshold.escalates(m.low) and threshold.escalates(m.high)

        def standing(item):
            m = item[1]
            passes = threshold.passes(m.low, self.kind) + threshold.passes(m.high, self.kind)
            return passes, not escalates(m), m.estimate if threshold.direction in (">=", ">") else -m.estimate

        worst_set, worst = min(measured.items(), key=standing)
        sets = ", ".join(f"{label} {m.estimate:.3g} [{m.low:.3g}, {m.high:.3g}] n={m.n}"
                         for label, m in measured.items())
        _append_property(self.item.user_properties, "sets",
                         f"{name}: {sets}; decided on {worst_set}" + (f"; {detail}" if detail else ""))
        by_set = f"decided on {worst_set} of {sets}" if len(measured) > 1 else f"on {worst_set}"
        self.judge(worst, name, detail="; ".join(x for x in (by_set, detail) if x),
                   pivot=all(escalates(m) for m in measured.values()))

def _append_property(props: list, key: str, value: str) -> None:
    """One junit property per key; a test that checks several thresholds lists them joined by '; '."""
    for i, (name, old) in enumerate(props):
        if name == key:
            props[i] = (key, f"{old}; {value}")
            return
    props.append((key, value))


@pytest.fixture
def criterion(request) -> CriterionCheck:
    criterion_id = criterion_of(request.node)
    if criterion_id is None:
        raise pytest.UsageError(f"{request.node.nodeid}: the criterion fixture needs @pytest.mark.criterion(id)")
    config = request.config
    return CriterionCheck(request.node, config.persona_criteria[criterion_id], config.persona_choice.kind)


def criterion_of(item) -> str | None:
    marker = item.get_closest_marker("criterion")
    return marker.args[0] if marker else None


def pytest_runtest_setup(item):
    criterion_id = criterion_of(item)
    if criterion_id:
        _skip_unless_evaluable(item, item.config.persona_criteria[criterion_id])
    markers = {m.name for m in item.iter_markers()}
    if "gpu" in markers and not markers & {"cpu_smoke", "cpu_real"} and not device.cuda_available():
        pytest.skip("needs a CUDA GPU; none is visible on this machine")


def _skip_unless_evaluable(item, record) -> None:
    kind = item.config.persona_choice.kind
    kinds = frozenset(item.get_closest_marker("criterion").kwargs.get("kinds") or record.kinds)
    if kind not in kinds:
        what = " or ".join(sorted(kinds)) if kinds != ALL_KINDS else "other"
        pytest.skip(f"not evaluated: {record.id} needs {what} weights; {kind} weights say nothing about it")
    if record.needs_cuda and not device.cuda_available():
        pytest.skip(f"not evaluated: {record.id} needs a CUDA GPU; none is visible on this machine")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Mark how a criterion test failed: an assertion is a measured failure, anything else an error."""
    if call.when == "call" and call.excinfo is not None and criterion_of(item):
        measured = call.excinfo.errisinstance((AssertionError, pytest.fail.Exception))
        item.user_properties.append(("failure_kind", "failed" if measured else "errored"))
    yield


class OutcomeRecorder:
    """Keeps one Outcome per test that names a criterion: its first failure or skip, else its pass."""

    def __init__(self, outcomes: dict):
        self.outcomes = outcomes

    def pytest_runtest_logreport(self, report):
        props = dict(report.user_properties)
        if "criterion" not in props:
            return
        status = "skipped" if report.skipped else "passed"
        if report.failed:
            status = failure_status("", props.get("failure_kind", "")) if report.when == "call" else "errored"
        previous = self.outcomes.get(report.nodeid)
        if previous is not None and previous.status != "passed":
            return  # the first failure or skip stands; a later phase's report only adds measured values
        reason = ""
        if report.skipped and isinstance(report.longrepr, tuple):
            reason = str(report.longrepr[2]).removeprefix("Skipped: ")
        elif report.failed:
            crash = getattr(report.longrepr, "reprcrash", None)
            reason = crash.message.splitlines()[0] if crash and crash.message else ""
        self.outcomes[report.nodeid] = Outcome(
            report.nodeid, props["criterion"], status, props.get("verdict_on_fail", ""),
            props.get("measured", ""), props.get("threshold", ""), reason)
