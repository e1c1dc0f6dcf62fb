"""Verdict rules, and the same verdict read back from a junit file."""
from __future__ import annotations

import pytest

from persona.decision import CRITERIA, Outcome, decide, read_junit


def outcome(criterion, status, verdict=""):
    return Outcome(f"t::{criterion}", criterion, status, verdict or CRITERIA[criterion].verdict_on_fail)


@pytest.mark.parametrize("outcomes,verdict,failing", [
    ([outcome("data", "passed"), outcome("memorization", "passed")], "PROCEED", {}),
    ([outcome("data", "passed"), outcome("memorization", "failed")], "ADJUST", {"memorization": "adjust"}),
    ([outcome("memorization", "failed"), outcome("train-completes", "failed")], "PIVOT",
     {"train-completes": "pivot", "memorization": "adjust"}),
    ([outcome("compression", "failed", "pivot")], "PIVOT", {"compression": "pivot"}),
    ([outcome("coherence", "skipped")], "PROCEED", {}),
], ids=["all-pass", "adjust", "pivot-wins", "escalated", "skip-is-not-failure"])
def test_verdict_rules(outcomes, verdict, failing):
    decision = decide(outcomes)
    assert decision.verdict == verdict and decision.failing == failing


def test_skipped_and_missing_criteria_are_not_evaluated_never_passed():
    decision = decide([Outcome("t::a", "coherence", "skipped", reason="needs real weights"),
                       Outcome("t::b", "data", "passed")])
    assert decision.not_evaluated["coherence"] == "needs real weights"
    assert decision.not_evaluated["vram-train"].startswith("not run")
    assert decision.passed == ["data"]


def test_one_failing_test_fails_its_criterion():
    decision = decide([Outcome("t::a", "data", "passed"), Outcome("t::b", "data", "failed", "adjust")])
    assert decision.failing == {"data": "adjust"} and "data" not in decision.passed


JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="evals.test_data" name="test_ok"><properties><property name="criterion" value="data"/>
<property name="verdict_on_fail" value="adjust"/><property name="measured" value="0"/></properties></testcase>
<testcase classname="evals.test_training" name="test_boom"><properties><property name="criterion"
 value="train-completes"/><property name="verdict_on_fail" value="pivot"/></properties>
 <error message="failed on setup with &quot;RuntimeError: CUDA out of memory&quot;">trace</error></testcase>
<testcase classname="evals.test_quality" name="test_style"><properties><property name="criterion" value="style"/>
</properties><skipped type="pytest.skip" message="needs real weights">why</skipped></testcase>
<testcase classname="tests.test_x" name="test_unit"/>
</testsuite></testsuites>"""


def test_read_junit(tmp_path):
    path = tmp_path / "j.xml"
    path.write_text(JUNIT)
    decision = decide(read_junit(path))
    assert decision.verdict == "PIVOT" and decision.failing == {"train-completes": "pivot"}
    assert decision.passed == ["data"] and decision.not_evaluated["style"] == "needs real weights"


@pytest.mark.parametrize("text,message", [("<not xml", "not a readable junit"),
                                          ("<testsuite><testcase name='a'/></testsuite>", "records a criterion")])
def test_read_junit_rejects_foreign_files(tmp_path, text, message):
    path = tmp_path / "j.xml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        read_junit(path)
