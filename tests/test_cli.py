"""The `persona` command: clear errors, exit codes, no tracebacks."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from persona.criteria import CRITERIA
from tests.helpers import FIXTURES, ROOT


def persona(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "persona.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_data_check_lists_every_problem_without_traceback():
    done = persona("data", "check", str(FIXTURES / "data/broken.jsonl"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.count("broken.jsonl:") == 13 and "13 problem(s) found" in done.stderr


def test_data_check_ok():
    done = persona("data", "check", "data/toy/train.jsonl", "data/toy/test.jsonl")
    assert done.returncode == 0 and "60 examples (style 15, fact 15, decision 30)" in done.stdout


def test_data_split_writes_the_committed_split(tmp_path):
    done = persona("data", "split", "data/toy/examples.jsonl", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "train.jsonl").read_text() == (ROOT / "data/toy/train.jsonl").read_text()
    assert (tmp_path / "test.jsonl").read_text() == (ROOT / "data/toy/test.jsonl").read_text()


def test_train_refuses_bad_data_and_bad_settings(tmp_path):
    done = persona("train", "--model", "tiny", "--data", str(FIXTURES / "data/broken.jsonl"))
    assert done.returncode == 2 and "training refused" in done.stderr and "Traceback" not in done.stderr
    done = persona("train", "--model", "tiny", "--set", "max_steps=zero")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == "persona train: --set max_steps expects an integer, got 'zero'", done.stderr


@pytest.mark.parametrize("content,message", [("not xml", "not a readable junit"), (None, "not a readable junit")])
def test_decide_bad_input(tmp_path, content, message):
    path = tmp_path / "j.xml"
    if content is not None:
        path.write_text(content)
    done = persona("decide", str(path))
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


PLANTED = """
import pytest

@pytest.mark.criterion("memorization", kinds=("tiny", "synthetic", "real"))
def test_planted_memorization(criterion):
    criterion.check(0.9, "margin")  # passes the registry's bar for tiny, not --threshold 0.99

@pytest.mark.criterion("facts", kinds=("tiny", "synthetic", "real"))
def test_planted_facts(criterion):
    raise RuntimeError("a broken tool")
""" + "".join(f"""
@pytest.mark.criterion("{criterion}", kinds=("tiny", "synthetic", "real"))
def test_planted_{criterion.replace("-", "_")}(criterion):
    criterion.check({value}, "{name}")
""" for criterion, name, value in [("train-completes", "completed", 1), ("coherence", "coherent_share", 1.0),
                                   ("compression", "token_cut", 0.5), ("fact-recall", "facts_kept", 1.0),
                                   ("canary-leak", "leaked", 0)])
"""Every criterion that can pivot passes, so the override alone turns INCOMPLETE into ADJUST (exit 10): a command
that decided again without the run's overrides would exit 12."""


def test_evaluate_prints_writes_and_exits_with_one_decision(tmp_path):
    # A planted session (no training): the printed decision, decision.json and the exit code must be one
    # decision, made with the run's override, which all three name, and persona decide must print it again.
    (tmp_path / "test_planted.py").write_text(PLANTED)
    junit = tmp_path / "j.xml"
    done = persona("evaluate", "--model", "tiny", "--threshold", "memorization=0.99", "--junit", str(junit),
                   "--report", str(tmp_path / "r.md"), "--", str(tmp_path / "test_planted.py"), "-k", "planted",
                   "--persona-output-dir", str(tmp_path / "models"), cwd=tmp_path)
    printed = [line.removeprefix("DECISION: ") for line in done.stdout.splitlines() if line.startswith("DECISION: ")]
    written = tmp_path / "models/toy-tiny/decision.json"
    assert written.exists(), f"no decision.json (exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    record = json.loads(written.read_text())
    assert printed == [record["verdict"]] and done.returncode == record["exit_code"], done.stdout[-3000:]
    assert record["failing"] == {"memorization": "adjust"}, "the override was not what the run decided with"
    assert (printed, done.returncode) == (["ADJUST"], 10), done.stdout[-3000:]
    assert record["overrides"] == ["memorization=0.99"]
    assert record["criteria"]["memorization"]["version"] == f"{CRITERIA['memorization'].version}+override"
    assert "override: --threshold memorization=0.99" in done.stdout, done.stdout
    assert "Traceback" not in done.stdout + done.stderr and "def test_planted" not in done.stdout, done.stdout
    assert "errored  facts           RuntimeError: a broken tool" in done.stdout, "the decision names the error"
    assert record["model"] == record["plan_model"] == "tiny" and not record["stand_in"] and record["machine"]
    decided = persona("decide", str(junit))
    assert decided.returncode == done.returncode and decided.stdout.splitlines()[0] == f"DECISION: {printed[0]}"
    assert "override: --threshold memorization=0.99" in decided.stdout, decided.stdout


def test_evaluate_on_cpu_decides_nothing_about_the_plans_model_from_a_stand_in(tmp_path):
    # --model auto without CUDA evaluates smollm2-135m in the plan's place: whatever it measures (here what
    # would be ADJUST for it), the decision about Qwen3-1.7B is INCOMPLETE, and exit code, print and record agree.
    from persona import device

    if device.cuda_available():
        pytest.skip("with CUDA, auto evaluates the plan's model itself")
    (tmp_path / "test_planted.py").write_text(PLANTED)
    done = persona("evaluate", "--threshold", "memorization=0.99", "--junit", str(tmp_path / "j.xml"),
                   "--report", str(tmp_path / "r.md"), "--", str(tmp_path / "test_planted.py"), "-k", "planted",
                   "--persona-output-dir", str(tmp_path / "models"), cwd=tmp_path)
    record = json.loads((tmp_path / "models/toy-smollm2-135m/decision.json").read_text())
    assert (done.returncode, record["verdict"], record["own_verdict"]) == (12, "INCOMPLETE", "ADJUST"), done.stdout
    assert record["stand_in"] and record["model"] == "smollm2-135m" and record["plan_model"] == "unsloth/Qwen3-1.7B"
    assert "unsloth/Qwen3-1.7B, the plan's model: NOT evaluated" in done.stdout, done.stdout
    assert "would be ADJUST for smollm2-135m" in done.stdout, done.stdout
    assert not (tmp_path / "models/toy").exists(), "a stand-in wrote into the plan's model's run folder"
