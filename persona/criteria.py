"""The exit criteria of the Phase 0a plan: one record each, the single source of their thresholds.

Each record says what the criterion checks, the seed's verdict when it fails, its thresholds (value,
direction, unit, where the number comes from), which model kinds can settle it, whether it needs CUDA,
the seed's own wording, and a version that is bumped whenever a threshold moves. The evals read their
thresholds from here (through the harness's `criterion.check`), `--threshold ID=VALUE` overrides them,
and the README's criteria table is rendered from here (a test keeps the two equal).

    CRITERIA["memorization"].threshold().describe("tiny")   # '>= 0.8 mean similarity'
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Mapping

KINDS = ("tiny", "synthetic", "real")
"""Model kinds (persona.models): random two-layer, real shape with random weights, real weights."""
ALL_KINDS = frozenset(KINDS)
REAL = frozenset({"real"})
ADJUST, PIVOT = "adjust", "pivot"
_COMPARE = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}


@dataclass(frozen=True)
class Threshold:
    """One pass line: `measured <direction> value`."""

    value: float
    """The bound."""
    direction: str
    """How measured compares with the bound to pass: >=, >, <=, < or ==."""
    unit: str
    """What the measured number counts, in words ('GB', 'share of test answers', ...)."""
    why: str = ""
    """Where the number comes from (measurement, the seed's text)."""
    by_kind: Mapping[str, float] = field(default_factory=dict)
    """A different bound for some model kinds (the tiny model is held to verbatim recall)."""
    pivot_if: tuple[str, float] | None = None
    """A measured value meeting this (direction, value) escalates the failure to pivot."""

    def __post_init__(self):
        if self.direction not in _COMPARE:
            raise ValueError(f"direction {self.direction!r} is not one of {', '.join(_COMPARE)}")

    def bound(self, kind: str = "real", scale: float = 1.0) -> float:
        return self.by_kind.get(kind, self.value) * scale

    def passes(self, measured: float, kind: str = "real", scale: float = 1.0) -> bool:
        return bool(_COMPARE[self.direction](measured, self.bound(kind, scale)))

    def escalates(self, measured: float) -> bool:
        return self.pivot_if is not None and bool(_COMPARE[self.pivot_if[0]](measured, self.pivot_if[1]))

    def describe(self, kind: str = "real", scale: float = 1.0) -> str:
        return f"{self.direction} {_number(self.bound(kind, scale))} {self.unit}"


@dataclass(frozen=True)
class Criterion:
    """One exit criterion of the plan."""

    id: str
    """Short id used by the `criterion` marker, junit properties and `--threshold`."""
    checks: str
    """What is measured, in one line."""
    on_fail: str
    """The seed's verdict when it fails: "adjust" or "pivot" (a test may escalate, never soften)."""
    seed: str
    """The seed plan's own words for it."""
    thresholds: Mapping[str, Threshold]
    """Named pass lines; the first is the criterion's main one (`--threshold ID=VALUE` sets it)."""
    kinds: frozenset = ALL_KINDS
    """Model kinds whose weights can settle it; under the others it is not evaluated."""
    needs_cuda: bool = False
    """Measured only on a CUDA GPU."""
    version: int = 1
    """Bumped whenever a threshold changes, so old junit records can be told apart."""

    def threshold(self, name: str | None = None) -> Threshold:
        if name is None:
            return next(iter(self.thresholds.values()))
        try:
            return self.thresholds[name]
        except KeyError:
            raise KeyError(f"criterion {self.id!r} has no threshold {name!r}; known: "
                           f"{', '.join(self.thresholds)}") from None

    def requirement(self) -> str:
        """What it takes to evaluate it, in words ('real weights and a CUDA GPU')."""
        needs = []
        if self.kinds != ALL_KINDS:
            needs.append(" or ".join(sorted(self.kinds)) + " weights")
        if self.needs_cuda:
            needs.append("a CUDA GPU")
        return " and ".join(needs) or "any machine"


def _number(value: float) -> str:
    return f"{value:g}"


def _registry(*criteria: Criterion) -> Mapping[str, Criterion]:
    return MappingProxyType({c.id: c for c in criteria})


CRITERIA: Mapping[str, Criterion] = _registry(
    Criterion("data", "dataset valid; 50 train / 10 test; 15 style / 15 fact / 30 decision", ADJUST,
              "Data format needs changes", {
                  "problems": Threshold(0, "==", "problems in the dataset"),
                  "split_off": Threshold(0, "==", "examples off the 50/10 split"),
                  "mix_off": Threshold(0, "==", "examples off the 15/15/30 mix",
                                       why="the 50/50 reasoning mix keeps Qwen3's thinking mode"),
                  "secrets": Threshold(0, "==", "secret-shaped values in the training data not allowed by "
                                                "--allow-secrets",
                                       why="a fine-tune repeats what it memorized; the scan uses the scrubber's "
                                           "detectors")}),
    Criterion("train-completes", "training reaches its final optimizer step without a crash or OOM", PIVOT,
              "Can't train on hardware", {
                  "completed": Threshold(1, "==", "of the configured steps done (trainer's final step)")}),
    Criterion("loss-decreases", "training loss falls; on real weights from ~2-3 to ~0.5-1.0", ADJUST,
              "Loss starts ~2-3, ends ~0.5-1.0", {
                  "relative_drop": Threshold(0.10, ">=", "relative drop, last 3 logged losses vs first 3",
                                             why="an lr=0 run only shows batch noise"),
                  "first_loss": Threshold(5.0, "<=", "first logged loss",
                                          why="the seed: starts ~2-3 (Qwen3-1.7B); measured, smollm2-135m starts at "
                                              "4.2-4.4 on the toy set; rendering or labels that do not match the "
                                              "model start near ln(vocab), 10.8-11.9"),
                  "last_loss": Threshold(1.2, "<=", "last logged loss", why="the seed: ends ~0.5-1.0")},
              version=2, kinds=REAL),
    Criterion("vram-train", "peak training VRAM, device-wide", ADJUST, "VRAM usage acceptable (<15GB training)", {
        "peak_gb": Threshold(15.0, "<", "GB (10**9 B)", why="the seed's budget")},
              kinds=frozenset({"synthetic", "real"}), needs_cuda=True),
    Criterion("train-time", "seconds per step, projected to the seed's 100 steps", ADJUST,
              "Training takes way longer than expected", {
                  "seconds_100_steps": Threshold(1800, "<", "s for 100 steps",
                                                 why="the seed: ~10-15 min expected, over 1 h means trouble")},
              kinds=frozenset({"synthetic", "real"}), needs_cuda=True),
    Criterion("vram-infer", "peak inference VRAM, device-wide", ADJUST, "VRAM usage acceptable (<8GB inference)", {
        "peak_gb": Threshold(8.0, "<", "GB (10**9 B)", why="the seed's budget")},
              kinds=frozenset({"synthetic", "real"}), needs_cuda=True),
    Criterion("memorization", "regenerated training answers similar to the originals (rapidfuzz)", ADJUST,
              "Exact recall (memorization check)", {
                  "similarity": Threshold(0.35, ">=", "mean similarity", by_kind={"tiny": 0.8},
                                          why="calibrated on smollm2-135m (docs/calibration.md): the base model "
                                              "(no fine-tune) 0.25, the fine-tune 0.43, midpoint 0.34; the tiny "
                                              "model has only its training data, so verbatim")},
              kinds=frozenset({"tiny", "real"}), version=2),
    Criterion("coherence", "test answers non-empty, not looping, on topic", ADJUST,
              "Model quality terrible even on toy set", {
                  "coherent_share": Threshold(0.8, ">=", "share of test answers coherent", pivot_if=("<", 0.5)),
                  "max_repetition": Threshold(0.3, "<=", "repeated word trigrams in one answer",
                                              why="over 30% reads as a loop"),
                  "min_topic_overlap": Threshold(0.1, ">=", "of the reference's content words")},
              kinds=REAL),
    Criterion("style", "answers closer to the person's held-out writing than the base model's", ADJUST,
              "Does it sound like you?", {
                  "similarity_gain": Threshold(0.1, ">=", "similarity gain over the base model",
                                               why="calibrated on smollm2-135m (docs/calibration.md): the fine-tune "
                                                   "gains 0.21, answers shuffled across prompts 0.001")},
              kinds=REAL, version=2),
    Criterion("facts", "fact answers carry the person's key facts", ADJUST, "Does it know facts about you?", {
        "key_term_recall": Threshold(0.5, ">=", "of the reference's key terms")}, kinds=REAL),
    Criterion("thinking", "thinking on gives reasoning on decision prompts, off gives none", ADJUST,
              "Test basic inference (including thinking mode)", {
                  "both_ways": Threshold(0.8, ">=", "share of prompts, thinking on and off")}, kinds=REAL),
    Criterion("compression", "fewer Qwen3 tokens after compressing old turns", ADJUST,
              "Compression too lossy / completely fails", {
                  "token_cut": Threshold(0.30, ">=", "fewer tokens", why="the seed: 30-50% compression",
                                         pivot_if=("<=", 0.0)),
                  "think_traces": Threshold(0, "==", "summaries with a think trace")}),
    Criterion("fact-recall", "turn-1/2 facts still in the compressed context and answerable", ADJUST,
              "Can it still answer questions about turn 1?", {
                  "facts_kept": Threshold(0.90, ">=", "of planted facts in the compressed context",
                                          pivot_if=("<=", 0.0)),
                  "substitutions": Threshold(0, "==", "facts replaced by a distractor"),
                  "answer_recall": Threshold(0.80, ">=", "answer recall, x the uncompressed recall",
                                             pivot_if=("<=", 0.0))},
              kinds=REAL),
    Criterion("quality-kept", "answers with and without compression stay close", ADJUST,
              "Response quality: with vs without compression", {
                  "similarity": Threshold(0.60, ">=", "mean similarity")}, kinds=REAL),
    Criterion("canary-leak", "no scrubbed secret comes out of the fine-tuned model", PIVOT,
              "Fundamental architecture flaw", {
                  "leaked": Threshold(0, "==", "canaries reproduced")}, kinds=frozenset({"tiny", "real"})),
)


def with_overrides(criteria: Mapping[str, Criterion], overrides: list[str]) -> Mapping[str, Criterion]:
    """Apply `ID=VALUE` / `ID.NAME=VALUE` overrides; a changed criterion carries version "+override".

    Raises ValueError naming the bad override and the known ids or names.
    """
    updated = dict(criteria)
    for text in overrides:
        key, sep, raw = text.partition("=")
        criterion_id, _, name = key.strip().partition(".")
        if not sep:
            raise ValueError(f"--threshold {text!r}: expected ID=VALUE or ID.NAME=VALUE")
        if criterion_id not in updated:
            raise ValueError(f"--threshold {text!r}: unknown criterion {criterion_id!r}; known: "
                             f"{', '.join(updated)}")
        criterion = updated[criterion_id]
        try:
            value = float(raw)
            current = criterion.threshold(name or None)
        except ValueError:
            raise ValueError(f"--threshold {text!r}: {raw!r} is not a number") from None
        except KeyError as err:
            raise ValueError(f"--threshold {text!r}: {err.args[0]}") from None
        name = name or next(iter(criterion.thresholds))
        thresholds = {**criterion.thresholds, name: replace(current, value=value, by_kind={})}
        updated[criterion_id] = replace(criterion, thresholds=thresholds)
    return MappingProxyType(updated)


def markdown_table(criteria: Mapping[str, Criterion] = CRITERIA) -> str:
    """The README's criteria table."""
    rows = ["| id | checks | main threshold | needs | on failure | v |", "|---|---|---|---|---|---|"]
    for c in criteria.values():
        main = c.threshold()
        shown = main.describe()
        if main.by_kind:
            shown += " (" + ", ".join(f"{k}: {_number(v)}" for k, v in main.by_kind.items()) + ")"
        on_fail = c.on_fail + (f"; pivot if {main.pivot_if[0]} {_number(main.pivot_if[1])}" if main.pivot_if else "")
        rows.append(f"| {c.id} | {c.checks} | {shown} | {c.requirement()} | {on_fail} | {c.version} |")
    return "\n".join(rows)
