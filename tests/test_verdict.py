"""Verdict validity: real pytest sessions of the harness, with planted faults, broken tools and bad setups.

Exactly the right criteria must fail with the right verdict; a crash or a missing module is never a verdict
(INCOMPLETE, naming the error); a run that can produce no evidence stops early and says why; the healthy tiny
run is INCOMPLETE, listing what only real weights or a GPU can settle. Each case is a subprocess
(tests.meta); training runs are cached, so the healthy and threshold cases share one.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from tests.meta import run_evals
from persona.decision import EXIT_CODES
from persona.record import decide_junit
from tests.helpers import FIXTURES, ROOT

pytestmark = pytest.mark.slow
SMOKE_CRITERIA = {"data", "train-completes", "memorization", "compression", "canary-leak"}
REAL_WEIGHTS_ONLY = {
    "coherence", "style", "facts", "thinking", "quality-kept", "loss-decreases", "fact-recall", "export-agrees",
}
GPU_ONLY = {"vram-train", "vram-infer", "train-time"}


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    return run_evals(tmp_path_factory.mktemp("healthy"))


def test_healthy_tiny_run_is_incomplete_and_says_what_would_complete_it(healthy):
    assert healthy.verdict == "INCOMPLETE" and not healthy.failing and not healthy.errored, healthy.render()
    assert healthy.facts.stand_in and healthy.facts.model == "tiny", "--model auto on CPU stands in for the plan"
    assert set(healthy.unmeasured_pivots) == {"coherence", "fact-recall"}, healthy.render()
    assert set(healthy.passed) == SMOKE_CRITERIA, healthy.render()
    assert set(healthy.not_evaluated) == REAL_WEIGHTS_ONLY | GPU_ONLY, healthy.render()
    assert "need real weights" in healthy.render() and "a CUDA GPU" in healthy.render()


CASES = [
    # lr 0: weights never move, so the loss cannot fall and the model cannot recall its training answers.
    ("lr-zero", ["--persona-set", "learning_rate=0"], {"loss-decreases": "adjust", "memorization": "adjust"}),
    ("unreachable-memorization", ["--persona-threshold", "memorization=1.01"], {"memorization": "adjust"}),
    ("invalid-dataset", ["--persona-train-data", str(FIXTURES / "data/broken.jsonl")], {"data": "adjust"}),
]


@pytest.mark.parametrize("name,args,failing", CASES, ids=[c[0] for c in CASES])
def test_planted_fault_flips_exactly_the_right_criteria(tmp_path, name, args, failing):
    # Each failure alone would be ADJUST; the verdict stays INCOMPLETE because the pivot criteria the selection
    # leaves out (canary-leak, compression) and those tiny weights cannot settle (coherence, fact-recall) were
    # not measured, and tiny stands in for the plan's model.
    decision = run_evals(tmp_path, *args, "-k", "not canary and not compression and not facts_in_context")
    assert decision.failing == failing, f"{name}: expected {failing}, got:\n{decision.render()}"
    assert decision.verdict == decision.own_verdict == "INCOMPLETE", decision.render()
    assert {"canary-leak", "compression", "coherence", "fact-recall"} <= set(decision.unmeasured_pivots)


def test_canaries_put_back_after_scrubbing_flip_the_verdict_to_pivot(tmp_path):
    # A pipeline that edits records after `persona data import` scrubbed them (tests/canaries_after_scrub.py):
    # the canaries reach the training records, and the model's test must see them come out of the fine-tune too.
    decision = run_evals(tmp_path, "-p", "tests.canaries_after_scrub", "-k", "test_canary")
    # tiny stands in for the plan's model, so PIVOT is its own verdict; the plan's stays INCOMPLETE
    assert decision.failing == {"canary-leak": "pivot"} and decision.own_verdict == "PIVOT", decision.render()
    from_model = [o for o in decision.outcomes if "test_no_canary_leaks" in o.test]
    assert [o.status for o in from_model] == ["failed"], "the secrets were in the training data, yet none came out"


def test_invalid_dataset_skips_training_with_a_reason(tmp_path):
    decision = run_evals(tmp_path, "--persona-train-data", str(FIXTURES / "data/broken.jsonl"), "-k", "training or memor")
    assert "train-completes" in decision.not_evaluated and "invalid" in decision.not_evaluated["train-completes"]


def test_train_completes_reads_the_final_step_not_the_last_logged_one(tmp_path):
    # The tiny profile logs every 50 steps: 60 steps end between two log lines.
    decision = run_evals(tmp_path, "--persona-set", "max_steps=60", "-k", "training_completes")
    assert decision.passed == ["train-completes"], decision.render()


@pytest.mark.parametrize("args", [["-k", "data"], ["--persona-train-data", str(FIXTURES / "data/broken.jsonl"), "-k", "data"]],
                         ids=["incomplete", "data-fails"])
def test_decide_recomputes_the_printed_verdict_from_junit(tmp_path, args):
    decision = run_evals(tmp_path, *args)
    printed = [line for line in decision.log.splitlines() if line.startswith("DECISION: ")]
    done = subprocess.run([sys.executable, "-m", "persona.cli", "decide", str(tmp_path / "junit.xml")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == EXIT_CODES[decision.verdict] and printed, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == printed[0] == f"DECISION: {decision.verdict}"


def test_synthetic_weights_without_cuda_stop_at_once_without_training(tmp_path):
    started = time.perf_counter()
    decision = run_evals(tmp_path, "--persona-model", "synthetic:qwen3-1.7b")
    assert decision.verdict == "INCOMPLETE" and not decision.failing and not decision.errored, decision.render()
    assert "train-completes" in decision.not_evaluated and "CUDA" in decision.not_evaluated["train-completes"]
    assert not (tmp_path / "models" / "toy-synthetic" / "training.log").exists()
    assert time.perf_counter() - started < 300, "a run that can measure nothing must not spend minutes"


@pytest.mark.parametrize("model", ["nosuch/model", "./nope"])
def test_a_model_that_cannot_be_loaded_is_a_usage_error_never_a_verdict(tmp_path, model):
    evaluate = subprocess.run([sys.executable, "-m", "persona.cli", "evaluate", "--model", model, "--junit",
                               str(tmp_path / "j.xml")], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                              env=_offline())
    assert evaluate.returncode == 2, evaluate.stdout + evaluate.stderr
    assert len(evaluate.stderr.strip().splitlines()) == 1 and "DECISION" not in evaluate.stdout, evaluate.stderr
    assert not (tmp_path / "j.xml").exists()
    direct = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "evals"), "-m", "cpu_smoke", "-q",
                             "-p", "no:cacheprovider", "--persona-model", model, "--persona-output-dir", str(tmp_path / "m")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300, env=_offline())
    assert direct.returncode == pytest.ExitCode.USAGE_ERROR and "DECISION" not in direct.stdout, direct.stdout


def _offline():
    import os

    return {**os.environ, "HF_HUB_OFFLINE": "1"}


BROKEN_TOOL = '''
import pytest

@pytest.mark.criterion("data")
def test_data(criterion):
    criterion.check(0, "problems")

@pytest.mark.criterion("{broken}", kinds=("tiny", "synthetic", "real"))
def test_broken(criterion):
    import phonenumbers_that_is_not_installed  # noqa: F401

@pytest.mark.criterion("style", kinds=("tiny", "synthetic", "real"))
def test_style(criterion, record_property):
    record_property("verdict_on_fail", "adjust")
    criterion.check({style})
'''
PASSING = '''
@pytest.mark.criterion("{criterion}", kinds=("tiny", "synthetic", "real"))
def test_{function}(criterion):
    criterion.check({value}, "{name}")
'''
PIVOT_CRITERIA_PASS = [("train-completes", "completed", 1), ("coherence", "coherent_share", 1.0),
                       ("compression", "token_cut", 0.5), ("fact-recall", "facts_kept", 1.0),
                       ("canary-leak", "leaked", 0)]
"""A passing test for each criterion that can pivot: without them no planted session could reach ADJUST."""


def _broken_tool(broken: str, style: str) -> str:
    passing = [PASSING.format(criterion=c, function=c.replace("-", "_"), value=v, name=n)
               for c, n, v in PIVOT_CRITERIA_PASS if c != broken]
    return BROKEN_TOOL.format(broken=broken, style=style) + "".join(passing)


@pytest.mark.parametrize("broken,style,verdict,failing", [
    ("canary-leak", "1.0", "INCOMPLETE", {}),
    ("canary-leak", "-1.0", "INCOMPLETE", {"style": "adjust"}),
    ("facts", "-1.0", "ADJUST", {"style": "adjust"}),
], ids=["import-error-is-incomplete", "broken-pivot-criterion-withholds-adjust", "measured-failure-decides"])
def test_an_exception_in_a_criterion_is_errored_not_failed(tmp_path, broken, style, verdict, failing):
    decision = _run_plugin(tmp_path, _broken_tool(broken, style))
    assert decision.verdict == verdict and decision.failing == failing, decision.render()
    assert "ModuleNotFoundError" in decision.errored[broken], decision.render()


SOFTENING = '''
import pytest

@pytest.mark.criterion("canary-leak", kinds=("tiny", "synthetic", "real"))
def test_canary(criterion, record_property):
    record_property("verdict_on_fail", "adjust")
    criterion.check(1, "leaked")
'''


def test_a_property_never_softens_the_registry_verdict(tmp_path):
    decision = _run_plugin(tmp_path, SOFTENING)
    assert decision.verdict == "PIVOT" and decision.failing == {"canary-leak": "pivot"}, decision.render()


def test_all_skipped_is_incomplete(tmp_path):
    decision = _run_plugin(tmp_path, '''
import pytest

@pytest.mark.criterion("data")
def test_data():
    pytest.skip("not evaluated: no data here")
''')
    assert decision.verdict == "INCOMPLETE" and decision.not_evaluated["data"] == "no data here", decision.render()


JUDGE_SETS = """
from persona.measures import Measurement
import pytest

@pytest.mark.criterion("fact-recall", kinds=("tiny", "synthetic", "real"))
def test_recall(criterion):
    criterion.judge_sets({"updates": Measurement(*UPDATES, 48), "fixtures": Measurement(*FIXTURES, 12)},
                         "answer_recall")
"""


@pytest.mark.parametrize("updates,fixtures,result,decided_on", [
    ((1.4, 0.9, 4.6), (0.4, 0.16, 0.7), "failed (adjust)", "fixtures"),
    ((0.9, 0.5, 1.5), (0.4, 0.16, 0.7), "failed (adjust)", "fixtures"),  # a decided failure beats an undecided set
    ((1.4, 0.9, 4.6), (0.9, 0.5, 1.5), "undecided", "fixtures"),
    ((1.4, 0.9, 4.6), (0.0, 0.0, 0.0), "failed (adjust)", "fixtures"),  # nothing kept in one set only: no pivot
    ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0), "failed (pivot)", ""),  # either set: both at nothing
    ((1.4, 0.9, 4.6), (1.0, 0.85, 1.3), "passed", "fixtures"),
], ids=["fails", "fail-beats-undecided", "undecided", "one-set-at-nothing", "nothing-anywhere", "passes"])
def test_a_measure_on_several_sets_is_decided_by_the_worst(tmp_path, updates, fixtures, result, decided_on):
    # Pooled, the updates set's gain (1.4 over 48 conversations) would carry the fixtures' loss past the bar.
    source = JUDGE_SETS.replace("*UPDATES", ", ".join(map(str, updates)))
    decision = _run_plugin(tmp_path, source.replace("*FIXTURES", ", ".join(map(str, fixtures))))
    assert decision.result_of("fact-recall") == result, decision.render()
    junit = (tmp_path / "junit.xml").read_text()
    assert f"decided on {decided_on}" in junit, junit


def _run_plugin(tmp_path, source: str):
    """A real pytest session over one test file outside this repository (its own folder, no ini file, no
    conftest): the installed package's plugin (the pytest11 entry point) alone gives it the harness."""
    (tmp_path / "test_planted.py").write_text(textwrap.dedent(source))
    junit = tmp_path / "junit.xml"
    done = subprocess.run([sys.executable, "-m", "pytest", str(tmp_path / "test_planted.py"), "-q",
                           "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                           "--persona-model", "tiny", f"--junitxml={junit}", "-o", "junit_family=xunit1",
                           "--persona-output-dir", str(tmp_path / "models"), "--persona-report", str(tmp_path / "r.md")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300, env=_offline())
    assert junit.exists(), done.stdout + done.stderr
    decision = decide_junit(junit)
    printed = [line for line in done.stdout.splitlines() if line.startswith("DECISION: ")]
    assert printed == [f"DECISION: {decision.verdict}"], done.stdout
    return decision
