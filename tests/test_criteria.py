"""The criteria registry: thresholds, overrides, and the README's table kept equal to it."""
from __future__ import annotations

import re

import pytest

from persona.criteria import CRITERIA, KINDS, Threshold, markdown_table, with_overrides
from tests.helpers import ROOT


def test_readme_table_is_the_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = re.search(r"<!-- criteria:start -->\n(.*?)\n<!-- criteria:end -->", readme, re.S)
    assert table, "README.md has no criteria table between its markers"
    assert table.group(1) == markdown_table(), "README's criteria table differs from persona.criteria: " \
                                               "paste markdown_table() between the markers"


def test_every_criterion_has_an_eval_and_every_eval_names_a_known_criterion():
    named = set()
    for path in (ROOT / "evals").glob("test_*.py"):
        named |= set(re.findall(r'criterion\("([\w-]+)"', path.read_text(encoding="utf-8")))
    assert named == set(CRITERIA), f"no eval: {set(CRITERIA) - named}; unknown: {named - set(CRITERIA)}"


@pytest.mark.parametrize("criterion", CRITERIA.values(), ids=list(CRITERIA))
def test_records_are_complete(criterion):
    assert criterion.on_fail in ("adjust", "pivot") and criterion.seed and criterion.checks
    assert criterion.thresholds and set(criterion.kinds) <= set(KINDS) and criterion.version >= 1


@pytest.mark.parametrize("direction,measured,passes", [(">=", 0.5, True), (">=", 0.49, False), (">", 0.5, False),
                                                        ("<", 15.0, False), ("<=", 15.0, True), ("==", 0, False)])
def test_threshold_directions(direction, measured, passes):
    bound = 15.0 if "<" in direction else 0.5
    assert Threshold(bound if direction != "==" else 1, direction, "x").passes(measured) is passes


def test_bounds_by_kind_scale_and_escalation():
    memorization = CRITERIA["memorization"].threshold()
    between = (memorization.bound("real") + memorization.bound("tiny")) / 2
    assert memorization.passes(between, "real") and not memorization.passes(between, "tiny")
    recall = CRITERIA["fact-recall"].threshold("answer_recall")
    assert recall.passes(0.4, scale=0.5) and not recall.passes(0.39, scale=0.5)
    coherence = CRITERIA["coherence"].threshold()
    assert coherence.escalates(0.4) and not coherence.escalates(0.6)


def test_overrides_set_a_threshold_for_every_kind_and_leave_the_registry_alone():
    changed = with_overrides(CRITERIA, ["memorization=0.9", "thinking.clean_off=0.5"])
    assert changed["memorization"].threshold().bound("tiny") == 0.9
    assert changed["thinking"].threshold("clean_off").value == 0.5
    assert CRITERIA["memorization"].threshold().bound("tiny") == CRITERIA["memorization"].threshold().by_kind["tiny"] != 0.9


@pytest.mark.parametrize("override,message", [("vibes=1", "unknown criterion 'vibes'; known: data"),
                                              ("memorization=high", "'high' is not a number"),
                                              ("memorization.nope=1", "no threshold 'nope'; known: margin"),
                                              ("memorization", "expected ID=VALUE")])
def test_bad_overrides_say_what_is_known(override, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        with_overrides(CRITERIA, [override])
