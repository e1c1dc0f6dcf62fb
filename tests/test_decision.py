"""Verdict rules, and the same verdict read back from junit files written by hand and by pytest."""
from __future__ import annotations

import json
import subprocess
import sys
from xml.sax.saxutils import quoteattr

import pytest

from persona.criteria import CRITERIA, with_overrides
from persona.decision import EXIT_CODES, Outcome, RunFacts, decide, failure_status
from persona.record import decide_junit, read_junit, suite_properties, write_decision
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
    (all_passed("style", "facts") + [outcome("style", "failed"), outcome("facts", "errored")], "ADJUST",
     {"style": "adjust"}),
    (all_passed("style", "canary-leak") + [outcome("style", "failed"), outcome("canary-leak", "errored")],
     "INCOMPLETE", {"style": "adjust"}),
    ([outcome("facts", "failed")], "INCOMPLETE", {"facts": "adjust"}),
    ([outcome("facts", "failed"), outcome("canary-leak", "failed")], "PIVOT",
     {"facts": "adjust", "canary-leak": "pivot"}),
    (all_passed("vram-train"), "INCOMPLETE", {}),
    (all_passed("style") + [outcome("style", "skipped", reason="undecided: gap_closed 0.04..0.19 straddles 0.1")],
     "INCOMPLETE", {}),
], ids=["all-pass", "adjust", "pivot-wins", "escalated", "skip-is-incomplete", "error-is-incomplete",
        "never-softened", "measured-failure-beats-error", "unmeasured-pivot-criterion-is-incomplete",
        "facts-alone-is-incomplete", "a-pivot-needs-nothing-else", "missing-is-incomplete", "undecided-is-incomplete"])
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
     + [case("style", failure("AssertionError: style: gap_closed measured -0.1"))], "ADJUST"),
    ("facts-failed-alone", [case("facts", failure("AssertionError: facts: key_term_recall measured 0.1"))],
     "INCOMPLETE"),
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


def test_unmeasured_pivot_criteria_are_named_and_the_mild_verdict_withheld():
    decision = decide([outcome("facts", "failed")])
    assert decision.own_verdict == "INCOMPLETE" and decision.failing == {"facts": "adjust"}
    assert {"train-completes", "canary-leak", "coherence"} <= set(decision.unmeasured_pivots)
    assert "data" not in decision.unmeasured_pivots, "data cannot pivot; its absence alone withholds nothing"
    text = decision.render()
    assert "Measured failures alone would give ADJUST" in text and "can decide PIVOT" in text, text


def test_a_stand_in_decides_nothing_about_the_plan_and_reports_its_own_verdict_apart():
    facts = RunFacts(model="smollm2-135m", plan_model="unsloth/Qwen3-1.7B", kind="real", stand_in=True)
    decision = decide(all_passed("coherence") + [outcome("coherence", "failed", "pivot")], facts=facts)
    assert (decision.verdict, decision.own_verdict, decision.exit_code) == ("INCOMPLETE", "PIVOT", 12)
    text = decision.render()
    assert text.splitlines()[0] == "DECISION: INCOMPLETE", text
    assert "unsloth/Qwen3-1.7B, the plan's model: NOT evaluated" in text, text
    assert "What the stand-in smollm2-135m measured" in text and "would be PIVOT for smollm2-135m" in text, text
    named = decide(decision.outcomes, facts=RunFacts(model="smollm2-135m", plan_model="smollm2-135m", kind="real"))
    assert (named.verdict, named.exit_code) == ("PIVOT", 11), "a model named with --model gets its own verdict"


def test_undecided_criterion_says_it_needs_more_prompts_with_its_figures():
    undecided = Outcome("t::style", "style", "skipped", reason="undecided: gap_closed 0.04..0.19 straddles 0.1",
                        n=20, estimate=0.11, interval="0.04..0.19", controls="base,shuffled")
    decision = decide(all_passed("style") + [undecided])
    text = decision.render()
    assert decision.result_of("style") == "undecided" and "needs more prompts" in text, text
    assert "n=20, 0.11 in 0.04..0.19, vs base, shuffled" in text, text


def test_an_override_is_versioned_and_a_bar_past_the_pivot_bar_moves_it():
    criteria = with_overrides(CRITERIA, ["coherence=0.3", "memorization=0.99"])
    coherence = criteria["coherence"].threshold()
    assert criteria["coherence"].version == f"{CRITERIA['coherence'].version}+override" and \
        criteria["memorization"].version == f"{CRITERIA['memorization'].version}+override"
    assert isinstance(CRITERIA["coherence"].version, int), "the registry itself is never changed"
    assert coherence.pivot_if == ("<", 0.3), "a failure below the lowered bar would otherwise slip past the pivot"
    assert coherence.escalates(0.29) and not coherence.passes(0.29) and coherence.passes(0.4)
    assert "pivot bar moves" in " ".join(criteria["coherence"].overridden), criteria["coherence"].overridden
    memorization = criteria["memorization"].threshold()
    assert memorization.pivot_if is None and memorization.bound("tiny") == 0.99, "an override holds for every kind"
    again = with_overrides(criteria, ["memorization=0.5"])
    assert again["memorization"].version == f"{CRITERIA['memorization'].version}+override"


def test_the_printed_decision_and_the_record_list_the_overrides(tmp_path):
    criteria = with_overrides(CRITERIA, ["memorization=0.99"])
    facts = RunFacts(model="tiny", plan_model="tiny", kind="tiny", overrides=["memorization=0.99"])
    decision = decide(all_passed("memorization") + [outcome("memorization", "failed")], criteria, facts)
    text = decision.render()
    assert (f"override: --threshold memorization=0.99 (criterion version {CRITERIA['memorization'].version}+override)"
            in text), text
    write_decision(decision, tmp_path / "decision.json")
    record = json.loads((tmp_path / "decision.json").read_text())
    memorization = record["criteria"]["memorization"]
    assert record["overrides"] == ["memorization=0.99"] and \
        memorization["version"] == f"{CRITERIA['memorization'].version}+override"
    assert memorization["thresholds"]["margin"]["value"] == 0.99 and memorization["result"] == "failed (adjust)"


def test_decision_json_is_the_whole_record(tmp_path):
    facts = RunFacts(model="smollm2-135m", plan_model="unsloth/Qwen3-1.7B", kind="real", stand_in=True,
                     machine="CPU only: x86_64, 2 cores (no CUDA)", cuda=False, persona_version="0.1.0", commit="abc")
    figures = Outcome("t::style", "style", "passed", measured="gap_closed=0.2", threshold="gap_closed >= 0.1",
                      n=40, estimate=0.2, interval="0.12..0.28", controls="base,shuffled")
    decide_and_write = decide(all_passed("style", "vram-train") + [figures], facts=facts)
    write_decision(decide_and_write, tmp_path / "decision.json")
    record = json.loads((tmp_path / "decision.json").read_text())
    for key in ("model", "plan_model", "kind", "stand_in", "machine", "cuda", "persona_version", "commit",
                "verdict", "own_verdict", "exit_code", "criteria", "your_call"):
        assert key in record, key
    style = record["criteria"]["style"]
    assert style["thresholds"]["gap_closed"]["direction"] == ">=" and style["version"] == str(CRITERIA["style"].version)
    assert style["tests"][0]["n"] == 40 and style["tests"][0]["interval"] == "0.12..0.28"
    assert any("12 weeks" in item["words"] for item in record["your_call"])
    assert record["criteria"]["vram-train"]["result"] == "not evaluated"


def test_the_junit_record_carries_the_facts_and_overrides_decide_reapplies(tmp_path):
    facts = RunFacts(model="tiny", plan_model="unsloth/Qwen3-1.7B", kind="tiny", stand_in=True, cuda=False,
                     overrides=["coherence=0.3"])
    props = "".join(f'<property name="{n}" value="{v}"/>' for n, v in suite_properties(facts))
    text = junit(case("facts", failure("AssertionError: facts: key_term_recall measured 0.1")))
    path = tmp_path / "j.xml"
    path.write_text(text.replace('<testsuite name="pytest">', f'<testsuite name="pytest"><properties>{props}'
                                                               '</properties>'))
    decision = decide_junit(path)
    assert decision.facts == facts
    assert decision.criteria["coherence"]["version"] == f"{CRITERIA['coherence'].version}+override", \
        decision.criteria["coherence"]
    assert decision.verdict == "INCOMPLETE" and decision.failing == {"facts": "adjust"}
