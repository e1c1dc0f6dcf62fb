"""Verdict validity: the smoke evals run with planted faults, and exactly the right criteria must fail with the
verdict DESIGN.md gives them; the healthy run must PROCEED and list what it could not evaluate.

Each case is a real `pytest evals -m cpu_smoke` in a subprocess (fixtures.meta); training runs are cached, so
the healthy and threshold cases share one.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from fixtures.meta import run_evals
from tests.helpers import FIXTURES, ROOT

pytestmark = pytest.mark.slow
SMOKE_CRITERIA = {"data", "train-completes", "loss-decreases", "memorization", "compression", "fact-recall",
                  "canary-leak"}
QUALITY = {"coherence", "style", "facts", "thinking", "quality-kept"}


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    return run_evals(tmp_path_factory.mktemp("healthy"))


def test_healthy_run_proceeds_and_lists_what_was_not_evaluated(healthy):
    assert healthy.verdict == "PROCEED", healthy.render()
    assert set(healthy.passed) == SMOKE_CRITERIA, healthy.render()
    assert QUALITY <= set(healthy.not_evaluated), "quality criteria under tiny weights are never passed"
    assert all("needs real weights" in healthy.not_evaluated[c] for c in QUALITY - {"quality-kept"})


CASES = [
    # lr 0: weights never move, so the loss cannot fall and the model cannot recall its training answers.
    ("lr-zero", ["--set", "learning_rate=0"], {"loss-decreases": "adjust", "memorization": "adjust"}, "ADJUST"),
    ("unreachable-memorization", ["--memorization-threshold", "1.01"], {"memorization": "adjust"}, "ADJUST"),
    ("invalid-dataset", ["--train-data", str(FIXTURES / "data/broken.jsonl")], {"data": "adjust"}, "ADJUST"),
]


@pytest.mark.parametrize("name,args,failing,verdict", CASES, ids=[c[0] for c in CASES])
def test_planted_fault_flips_exactly_the_right_criteria(tmp_path, name, args, failing, verdict):
    decision = run_evals(tmp_path, *args, "-k", "not canary and not compression and not facts_in_context")
    assert decision.failing == failing, f"{name}: expected {failing}, got:\n{decision.render()}"
    assert decision.verdict == verdict


def test_invalid_dataset_skips_training_with_a_reason(tmp_path):
    decision = run_evals(tmp_path, "--train-data", str(FIXTURES / "data/broken.jsonl"), "-k", "training or memor")
    assert "train-completes" in decision.not_evaluated and "invalid" in decision.not_evaluated["train-completes"]


@pytest.mark.parametrize("args", [["-k", "data"], ["--train-data", str(FIXTURES / "data/broken.jsonl"), "-k", "data"]],
                         ids=["proceed", "adjust"])
def test_decide_recomputes_the_printed_verdict_from_junit(tmp_path, args):
    decision = run_evals(tmp_path, *args)
    printed = [line for line in decision.log.splitlines() if line.startswith("DECISION: ")]
    done = subprocess.run([sys.executable, "-m", "persona.cli", "decide", str(tmp_path / "junit.xml")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and printed, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == printed[0] == f"DECISION: {decision.verdict}"
