"""Verdict validity on real weights: the real-weights suite (`pytest evals -m cpu_real`, smollm2-135m) on the
healthy toy set, and planted faults that must each fail exactly the criteria they should.

- (a) a no-op fine-tune: the base model's answers scored in place of the fine-tune's (`--answers`, from the
  healthy run's own answers.jsonl; LoRA's B starts at 0, so a learning rate of 0 gives this model) fails
  memorization and style;
- (b) answers shuffled across prompts in the training data fails coherence (each answer is about another prompt);
- (c) decision examples with their reasoning stripped fails thinking (and opens fewer think blocks than the
  healthy fine-tune), and data on the 15/15/30 mix, since no decision examples are left;
- (d) secrets put into the training records after scrubbing come out of the model: the healthy run's own
  canary eval inserts one of each kind after scrubbing (its positive controls) and a random 6-digit code; two or
  more of the seven must come out, verbatim or in part, and one at least (the code included) verbatim. (That the verdict then flips to PIVOT is checked on the tiny model, where the
  canaries themselves are put back: tests/test_verdict.py. A second real-weights training to show it again
  cost 7 minutes of CI.)

Each fault that trains runs the criteria it targets plus data, train-completes and loss-decreases (which it must pass,
but for (c)'s mix). Degenerate outputs (tests/degenerate.py: one answer for everything, the prompt echoed,
another training answer, lorem ipsum, empty, a think block with no answer, a loop, every fact wrong) replace the
healthy run's fine-tuned answers and are scored with --answers, no training: each must fail a quality criterion,
and none may get a milder verdict than the healthy answers scored the same way.
The healthy run selects every cpu_real eval; its record stays in models/test-suite/real/ (junit, decision,
answers, report). The ten rescorings run two at a time (AT_ONCE). The measured
separations behind the thresholds: docs/calibration.md.
"""
from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from persona.criteria import CRITERIA
from tests.degenerate import FAULTS, write_variant
from tests.faults import reasoning_stripped, shuffled_answers
from tests.helpers import ROOT
from tests.meta import run_evals

pytestmark = [pytest.mark.slow, pytest.mark.real_weights]
MODEL = ["--persona-model", "smollm2-135m"]
GPU_ONLY = {c.id for c in CRITERIA.values() if c.needs_cuda}
TRAINING = "(test_data or test_training)"
"""The data, train-completes and loss-decreases evals: every fault that trains must still pass them."""
QUALITY = {"memorization", "coherence", "style", "facts", "thinking", "fact-recall", "quality-kept"}
ANSWER_LEVEL = "memorization or coherence or style or fact_probes or thinking or answered or keep_the_style"
"""The evals that read answers only: scored from an answers file, nothing trains (their compression siblings
need no model either)."""
SEVERITY = {"PROCEED": 0, "INCOMPLETE": 1, "ADJUST": 2, "PIVOT": 3}
TIMEOUT = 3000
"""One real-weights session on 2 cores: the healthy one ran past 30 minutes once the canary's exposure, the
export check and the speed figures joined it (training ~7 min, generation ~17 min)."""


def _train_file(tmp_path, transform) -> str:
    records = [json.loads(line) for line in (ROOT / "data/toy/train.jsonl").read_text().splitlines() if line]
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in transform(records)), encoding="utf-8")
    return str(path)


def _measured(decision, criterion: str, test: str) -> float:
    """The first value one test recorded ("name=value; ...")."""
    [outcome] = [o for o in decision.outcomes if o.criterion == criterion and test in o.test]
    return float(outcome.measured.split(";")[0].split("=", 1)[1])


@pytest.fixture(scope="module")
def healthy():
    out = ROOT / "models/test-suite/real"
    out.mkdir(parents=True, exist_ok=True)
    return run_evals(out, *MODEL, marker="cpu_real", timeout=TIMEOUT)


def test_healthy_run_evaluates_every_quality_criterion_and_passes_what_the_faults_break(healthy):
    # Its verdict is a finding about a 135M model (docs/calibration.md: it takes the person's voice, not their
    # facts, and thinks with thinking off); what must hold is that nothing errored, only CUDA's criteria and
    # undecided ones went unmeasured, and the criteria the faults below break pass on the healthy data, so that
    # each fault's failure is the fault's doing.
    print(healthy.render())
    assert not healthy.errored, healthy.render()
    unmeasured = {c: why for c, why in healthy.not_evaluated.items() if c not in GPU_ONLY}
    assert all("undecided" in why for why in unmeasured.values()), healthy.render()
    assert {"data", "train-completes", "loss-decreases", "memorization", "style", "coherence", "canary-leak"} <= set(
        healthy.passed), healthy.render()
    assert healthy.verdict in ("ADJUST", "PIVOT", "INCOMPLETE")  # never PROCEED: CUDA's criteria are missing


def test_healthy_run_records_its_speed(healthy):
    [record] = sorted((ROOT / "models/test-suite/real").glob("models/*/decision.json"))
    speed = json.loads(record.read_text())["figures"].get("speed", {})
    assert {"batch1_thinking_on", "batch1_thinking_off", "train_seconds_per_step"} <= set(speed), speed
    assert any(key.startswith("suite_batch_") for key in speed), speed
    assert all(row["tokens_per_second"] > 0 for key, row in speed.items() if "thinking" in key), speed


def _healthy_answers() -> Path:
    [answers] = sorted((ROOT / "models/test-suite/real").glob("models/*/answers.jsonl"))
    return answers


def _rescored(tmp_path, fault: str):
    """The healthy run's answers with `fault` planted, scored by the quality criteria alone (no training)."""
    answers = write_variant(_healthy_answers(), fault, tmp_path / f"{fault}.jsonl") if fault else _healthy_answers()
    return run_evals(tmp_path, *MODEL, "--persona-answers", str(answers), "-k", ANSWER_LEVEL, marker="cpu_real",
                     timeout=TIMEOUT)


RESCORED = ["", "base", *sorted(FAULTS)]
"""The answers files scored with no training: the healthy run's own answers (""), the no-op fine-tune's ("base": the
base model's answers in the fine-tune's place), and each degenerate output."""
AT_ONCE = 2
"""Rescoring sessions run together. Each is one Python process scoring text, no model loaded, so two share the CI
machine's two cores: two together took 14.0 s, one alone 14.5 s."""


@pytest.fixture(scope="module")
def rescorings(healthy, tmp_path_factory) -> dict:
    """Each answers file of RESCORED scored, AT_ONCE sessions at a time: fault -> its Future (a test that reads one
    sees that session's error as its own)."""
    with ThreadPoolExecutor(AT_ONCE) as pool:
        return {fault: pool.submit(_rescored, tmp_path_factory.mktemp(fault or "healthy-answers"), fault)
                for fault in RESCORED}


def test_no_op_fine_tune_fails_memorization_and_style(rescorings, healthy):
    decision = rescorings["base"].result()
    assert {"memorization", "style"} <= set(decision.failing), decision.render()
    assert _measured(decision, "memorization", "memorization") < _measured(healthy, "memorization", "memorization")


@pytest.fixture(scope="module")
def healthy_rescored(rescorings):
    return rescorings[""].result()


def test_rescoring_the_healthy_answers_gives_the_healthy_measurements(healthy, healthy_rescored):
    for outcome in healthy_rescored.outcomes:
        twin = [o for o in healthy.outcomes if o.test == outcome.test]
        assert twin and (twin[0].status, twin[0].measured) == (outcome.status, outcome.measured), outcome


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_degenerate_outputs_fail_a_quality_criterion_and_never_read_milder(rescorings, healthy_rescored, fault):
    decision = rescorings[fault].result()
    assert set(decision.failing) & QUALITY, f"{fault} passed every quality criterion:\n{decision.render()}"
    assert SEVERITY[decision.verdict] >= SEVERITY[healthy_rescored.verdict], (decision.render(),
                                                                              healthy_rescored.render())


def test_answers_shuffled_across_prompts_fail_coherence(tmp_path, healthy):
    # Memorization is left out: it compares regenerated answers with what the model was trained on, which the
    # shuffled model recalls; style is the person's voice, which shuffled answers still carry.
    decision = run_evals(tmp_path, *MODEL, "--persona-train-data", _train_file(tmp_path, shuffled_answers),
                         "-k", f"{TRAINING} or coherence", marker="cpu_real", timeout=TIMEOUT)
    assert decision.failing == {"coherence": decision.failing.get("coherence")} and decision.failing, \
        decision.render()


def test_decisions_without_reasoning_fail_thinking(tmp_path, healthy):
    # The 30 decisions, stripped of their reasoning, are filed as style examples (each example stays valid and
    # trains); the data criterion then fails on the mix (40/15/5 style/fact/decision, not 15/15/30), as it should
    # for a dataset with no reasoning examples, and thinking fails on its own measure.
    decision = run_evals(tmp_path, *MODEL, "--persona-train-data", _train_file(tmp_path, reasoning_stripped),
                         "-k", f"{TRAINING} or thinking", marker="cpu_real", timeout=TIMEOUT)
    assert decision.failing == {"data": "adjust", "thinking": "adjust"}, decision.render()
    [mix] = [o for o in decision.outcomes if o.criterion == "data" and o.status == "failed"]
    assert mix.measured.startswith("mix_off="), mix
    assert _measured(decision, "thinking", "thinking") < _measured(healthy, "thinking", "thinking"), (
        "the fine-tune without reasoning examples opened as many think blocks as the healthy one")


def test_secrets_put_in_after_scrubbing_come_out_of_the_real_model(healthy):
    # The measure must be seen to catch a leak on these weights, not only on the tiny model that memorizes all.
    [outcome] = [o for o in healthy.outcomes if "test_no_canary_leaks" in o.test]
    caught, inserted = map(int, re.search(r"positive controls found (\d+) of (\d+)", outcome.measured).groups())
    assert caught >= 2, f"only {caught} of the {inserted} secrets inserted after scrubbing came out: {outcome.measured}"
    # canary-leak fails on a verbatim leak: one at least must be seen whole, or a leak here would read as a pass
    whole = int(re.search(r"verbatim (\d+) of", outcome.measured)[1])
    assert whole >= 1, f"none of the secrets inserted after scrubbing came out whole: {outcome.measured}"
