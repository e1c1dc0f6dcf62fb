"""Verdict rules, and the same verdict read back from junit files written by hand and by pytest."""
from __future__ import annotations

import subprocess
import sys
from xml.sax.saxutils import quoteattr

import pytest

from persona.criteria import CRITERIA
from persona.decision import EXIT_CODES, Outcome, decide, failure_status, read_junit
from tests.helpers import ROOT


def outcome(criterion, status, verdict="", reason=""):
    return Outcome(f"t::{criterion}", criterion, status, verdict, reason=reason)


def all_passed(*but: str) -> list[Outcome]:
    return [outcome(c, "passed") for c in CRITERIA if c not in but]


@pytest.mark.parametrize("outcomes,verdict,failing", [
    (all_passed(), "PROCEED", {}),
    (all_passed("memorization") + [outcome("memorization", "failed")], "ADJUST", {"memorization": "adjust"}),
    (all_passed("memorization", "train-completes") + [outcome("memorization", "failed"),
                                                      outcome("train-completes", "failed")],
     "PIVOT", {"train-completes": "pivot", "memorization": "adjust"}),
    (all_passed("compression") + [outcome("compression", "failed", "pivot")], "PIVOT", {"compression": "pivot"}),
    (all_passed("coherence") + [outcome("coherence", "skipped", reason="needs real weights")], "INCOMPLETE", {}),
    (all_passed("canary-leak") + [outcome("canary-leak", "errored", reason="ModuleNotFoundError: x")],
     "INCOMPLETE", {}),
    (all_passed("canary-leak") + [outcome("canary-leak", "failed", "adjust")], "PIVOT", {"canary-leak": "pivot"}),
    ([outcome("style", "failed"), outcome("canary-leak", "errored")], "ADJUST", {"style": "adjust"}),
    (all_passed("vram-train"), "INCOMPLETE", {}),
], ids=["all-pass", "adjust", "pivot-wins", "escalated", "skip-is-incomplete", "error-is-incomplete",
        "never-softened", "measured-failure-beats-error", "missing-is-incomplete"])
def test_verdict_rules(outcomes, verdict, failing):
    decision = decide(outcomes)
    assert (decision.verdict, decision.failing) == (verdict, failing), decision.render()
    assert decision.exit_code == EXIT_CODES[verdict]


def test_exit_codes_are_distinct_and_clear_of_usage_errors():
    codes = list(EXIT_CODES.values())
    assert EXIT_CODES["PROCEED"] == 0 and len(set(codes)) == len(codes) and not {1, 2, 130} & set(codes)


def test_incomplete_names_each_error_and_each_missing_criterion_with_what_would_settle_it():
    decision = decide(all_passed("canary-leak", "vram-train", "coherence")
                      + [outcome("canary-leak", "errored", reason="ModuleNotFoundError: No module named 'x'"),
                         outcome("coherence", "skipped", reason="not evaluated: needs real weights"),
                         outcome("vram-train", "skipped", reason="not evaluated: no CUDA")])
    text = decision.render()
    assert decision.errored == {"canary-leak": "ModuleNotFoundError: No module named 'x'"}
    assert "ModuleNotFoundError" in text and "vram-train: needs real or synthetic weights and a CUDA GPU" in text
    assert "coherence: needs real weights" in text, text
    unselected = decide(all_passed("data", "vram-infer")).render()
    assert "data: needs a run that selects it" in unselected, unselected
    assert "vram-infer: needs real or synthetic weights and a CUDA GPU (not selected" in unselected, unselected


def test_a_partly_evaluated_criterion_is_not_passed():
    decision = decide(all_passed("fact-recall") + [outcome("fact-recall", "passed"),
                                                   outcome("fact-recall", "skipped", reason="needs real weights")])
    assert decision.verdict == "INCOMPLETE" and decision.not_evaluated["fact-recall"].startswith("partly")


@pytest.mark.parametrize("message,status", [
    ("AssertionError: expected one\nassert 1 == 2", "failed"), ("assert 1 == 2", "failed"),
    ("Failed: explicit", "failed"), ("ModuleNotFoundError: No module named 'phonenumbers'", "errored"),
    ("RuntimeError: boom", "errored"), ("", "errored")])
def test_failure_messages_are_told_apart(message, status):
    assert failure_status(message) == status


def junit(*cases: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">'
            + "".join(cases) + '<testcase classname="tests.test_x" name="test_unit"/></testsuite></testsuites>')


def case(criterion: str, body: str = "", verdict: str = "") -> str:
    props = f'<property name="criterion" value="{criterion}"/>'
    if verdict:
        props += f'<property name="verdict_on_fail" value="{verdict}"/>'
    return f'<testcase classname="evals.t" name="test_{criterion}"><properties>{props}</properties>{body}</testcase>'


def failure(message: str) -> str:
    return f"<failure message={quoteattr(message)}>trace</failure>"


SKIP = '<skipped type="pytest.skip" message="not evaluated: needs real weights">why</skipped>'
CPU_REAL_RUN = [c for c in CRITERIA if c not in ("vram-train", "vram-infer", "train-time", "canary-leak")]
HAND_MADE = [
    ("all-skipped", [case(c, SKIP) for c in CRITERIA], "INCOMPLETE"),
    ("only-data", [case("data")], "INCOMPLETE"),
    ("canary-import-error", [case(c) for c in CPU_REAL_RUN]
     + [case("canary-leak", failure("ModuleNotFoundError: No module named 'phonenumbers'"))], "INCOMPLETE"),
    ("canary-softened", [case(c) for c in CRITERIA if c != "canary-leak"]
     + [case("canary-leak", failure("AssertionError: canary-leak: leaked measured 1, expected == 0"), "adjust")],
     "PIVOT"),
    ("style-assertion", [case(c) for c in CRITERIA if c != "style"]
     + [case("style", failure("AssertionError: style: similarity_gain measured -0.1"))], "ADJUST"),
    ("setup-error", [case(c) for c in CRITERIA if c != "train-completes"]
     + [case("train-completes", '<error message="failed on setup with &quot;OSError: disk&quot;">t</error>')],
     "INCOMPLETE"),
]


@pytest.mark.parametrize("cases,verdict", [c[1:] for c in HAND_MADE], ids=[c[0] for c in HAND_MADE])
def test_persona_decide_prints_the_verdict_and_exits_with_its_code(tmp_path, cases, verdict):
    path = tmp_path / "j.xml"
    path.write_text(junit(*cases))
    done = subprocess.run([sys.executable, "-m", "persona.cli", "decide", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.splitlines()[0] == f"DECISION: {verdict}", done.stdout + done.stderr
    assert done.returncode == EXIT_CODES[verdict]


@pytest.mark.parametrize("text,message", [
    ("<not xml", "not a readable junit"),
    ("<testsuite><testcase name='a'/></testsuite>", "records a criterion"),
    (junit(case("")), "names criterion ''"),
    (junit(case("vibes")), "names criterion 'vibes'"),
], ids=["not-xml", "no-criterion", "blank-criterion", "unknown-criterion"])
def test_read_junit_rejects_foreign_files(tmp_path, text, message):
    path = tmp_path / "j.xml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        read_junit(path)
    done = subprocess.run([sys.executable, "-m", "persona.cli", "decide", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
