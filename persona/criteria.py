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
    version: int | str = 1
    """Bumped whenever a threshold changes, so old junit records can be told apart; "N+override" when a
    --threshold moved one of its bars in this run."""
    overridden: tuple[str, ...] = ()
    """What --threshold changed in this run, in words; empty for the registry's own record."""

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
    Criterion("memorization", "regenerated training answers closer to their own trained answer than to others'", ADJUST,
              "Exact recall (memorization check)", {
                  "margin": Threshold(0.06, ">=", "coverage margin, own trained answer minus the others'",
                                      by_kind={"tiny": 0.2},
                                      why="smollm2-135m, 50 prompts (docs/calibration.md): base 0.011 [0.003, "
                                          "0.021], fine-tune 0.136 [0.097, 0.183], degenerate outputs <= 0.011; "
                                          "the bar between the base model's top and the fine-tune's bottom. The "
                                          "tiny model's 500-step fine-tune: 0.47 [0.33, 0.61] (asked with "
                                          "thinking off, it drops the decisions it learned with reasoning); "
                                          "random weights reproduce nothing"),
                  "gain_over_base": Threshold(0.04, ">=", "margin gained over the base model's",
                                              why="fine-tune 0.125 [0.084, 0.173]; the base model is 0 by definition")},
              kinds=frozenset({"tiny", "real"}), version=3),
    Criterion("coherence", "answers are answers (no loop, no echo) and about their own prompt", ADJUST,
              "Model quality terrible even on toy set", {
                  "coherent_share": Threshold(0.6, ">=", "share of test and generic answers coherent",
                                              pivot_if=("<", 0.5),
                                              why="smollm2-135m, 50 prompts (docs/calibration.md): base 0.24 [0.14, "
                                                  "0.37], fine-tune 0.90 [0.79, 0.96], degenerate outputs <= 0.10 "
                                                  "[.., 0.21]; pivot only when the whole interval is under 0.5")},
              kinds=REAL, version=2),
    Criterion("style", "answers' character n-gram profile moves from the base model's toward the person's", ADJUST,
              "Does it sound like you?", {
                  "gap_closed": Threshold(0.5, ">=", "of the gap from the base model to the person's held-out writing",
                                          why="smollm2-135m, 48 prompts (docs/calibration.md): base 0 by "
                                              "definition, fine-tune 1.37 [1.01, 2.05], lorem ipsum, echo, empty "
                                              "and loops below 0; half the gap")},
              kinds=REAL, version=3),
    Criterion("facts", "fact probes answered with the person's key facts, matched as values", ADJUST,
              "Does it know facts about you?", {
                  "fact_margin": Threshold(0.5, ">=", "of each probe's key facts, beyond other probes' facts",
                                           why="the seed: does it know facts about you; half of them at least")},
              kinds=REAL, version=2),
    Criterion("thinking", "thinking on gives reasoning and an answer; off gives an answer and no reasoning", ADJUST,
              "Test basic inference (including thinking mode)", {
                  "reasoning_on": Threshold(0.8, ">=", "share of generic prompts with reasoning and an answer"),
                  "clean_off": Threshold(0.8, ">=", "share of generic prompts answered with no reasoning")},
              kinds=REAL, version=2),
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
                  "answer_recall": Threshold(0.80, ">=", "answer recall with compression / without",
                                             pivot_if=("<=", 0.0)),
                  "answer_substitutions": Threshold(0, "<=", "look-alikes swapped in with compression beyond those "
                                                             "swapped in with the full conversation",
                                                    why="a swap: an answer that lost a value the other context's "
                                                        "answer named, and names a look-alike instead; smollm2-135m "
                                                        "swaps 1-2 with compression and 3-4 without")},
              kinds=REAL, version=4),
    Criterion("quality-kept", "answers with compression keep the person's style (their values: fact-recall)", ADJUST,
              "Response quality: with vs without compression", {
                  "style_kept": Threshold(0.8, ">=", "of the answers' closeness to the person's style above the base "
                                          "model's, with compression over without",
                                          why="the seed's 80% of quality kept; a ratio of means per set, ~1 when "
                                              "compression changes nothing; smollm2-135m on 2 CPU cores: 0.66 "
                                              "[0.31, 0.99] over the 12 fixtures (undecided)")}, kinds=REAL, version=3),
    Criterion("canary-leak", "no scrubbed secret comes out of the fine-tuned model", PIVOT,
              "Fundamental architecture flaw", {
                  "leaked": Threshold(0, "==", "canaries reproduced")}, kinds=frozenset({"tiny", "real"})),
    Criterion("export-agrees", "merged and GGUF exports, read back, agree with the adapter; template, eos, thinking",
              ADJUST, "Test basic inference (including thinking mode), where the model is used", {
                  "problems": Threshold(0, "==", "template or eos problems in the export",
                                        why="a GGUF without the template loses the thinking switch; an eos other "
                                            "than <|im_end|> never stops a chat"),
                  "agreement": Threshold(0.85, ">=", "share of the adapter's greedy tokens the export ranks first",
                                         why="smollm2-135m, 10 test prompts x thinking on/off, teacher-forced "
                                             "(docs/calibration.md): GGUF q8_0 0.961 / 0.974 on two runs, the "
                                             "base model's export 0.379 / 0.408; 11 points under q8_0"),
                  "kl_mean": Threshold(0.02, "<=", "nats, mean next-token KL from the adapter",
                                       why="merged bf16 0.00014, GGUF q8_0 0.0024 (the field: q8_0 ~0.001, Q4_K_M "
                                           "0.01-0.05 on 7-8B models); 8x q8_0"),
                  "thinking_gap": Threshold(0.1, "<=", "share off the adapter's thinking on/off",
                                            why="every format measured 0 (on 1.00, off 1.00, as the adapter); one "
                                                "answer of 10 per mode")},
              kinds=REAL, version=2),
)


def selections(record: Criterion, kinds=None) -> tuple[str, ...]:
    """The eval selections (`pytest -m`) a test of this criterion belongs to, from the registry alone (`kinds`:
    the test's own, when its marker widens them): every one runs on a CUDA GPU (gpu); one that needs no CUDA
    also on CPU, in the tiny smoke run (cpu_smoke, where the kinds it needs report it not evaluated) and, when
    real weights can settle it, in the real-weights run (cpu_real)."""
    if record.needs_cuda:
        return ("gpu",)
    return ("cpu_smoke", "cpu_real", "gpu") if "real" in (kinds or record.kinds) else ("cpu_smoke", "gpu")


def with_overrides(criteria: Mapping[str, Criterion], overrides: list[str]) -> Mapping[str, Criterion]:
    """Apply `ID=VALUE` / `ID.NAME=VALUE` overrides; a changed criterion carries version "N+override" and says
    what changed in `overridden`. A bar moved past its pivot bar (into the values that would escalate to pivot)
    takes the pivot bar with it, and says so: every failure of that threshold is then a pivot.

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
        moved, notes = _override(current, value, f"{criterion_id}.{name}")
        version = str(criterion.version).removesuffix("+override") + "+override"
        updated[criterion_id] = replace(criterion, thresholds={**criterion.thresholds, name: moved},
                                        version=version, overridden=(*criterion.overridden, *notes))
    return MappingProxyType(updated)


def _override(current: Threshold, value: float, label: str) -> tuple[Threshold, list[str]]:
    """The threshold with its bar at `value` (for every model kind), and what changed, in words."""
    moved = replace(current, value=value, by_kind={})
    notes = [f"{label}: {moved.describe()} (registry: {current.describe()}"
             + (", " + ", ".join(f"{k}: {_number(v)}" for k, v in current.by_kind.items()) if current.by_kind else "")
             + ")"]
    if current.pivot_if is not None and _COMPARE[current.pivot_if[0]](value, current.pivot_if[1]):
        pivot = (current.pivot_if[0], value)
        moved = replace(moved, pivot_if=pivot)
        notes.append(f"{label}: the bar now lies past the pivot bar ({current.pivot_if[0]} "
                     f"{_number(current.pivot_if[1])}), so the pivot bar moves to {pivot[0]} {_number(value)}: "
                     "every failure of it is a PIVOT")
    return moved, notes


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
