"""Meta-tests: planted-fault summarizers must flip the compression criteria, and only those.

Each case runs `pytest evals -m cpu_smoke` in a subprocess (tests.meta.run_evals) with
--persona-summarizer pointing at a fault from tests/faults.py, restricted to the context-level tests
so no model is trained.
"""
import pytest

from tests.meta import run_evals

CONTEXT_TESTS = "compression_ratio or think_trace or facts_in_context or distractor_replaces"

CASES = [
    # (id, summarizer, criteria expected to fail -> verdict, the tiny model's own verdict). A fact-recall failure
    # alone would be ADJUST; it stays INCOMPLETE while train-completes, coherence and canary-leak, which can
    # pivot, are not measured. A pivot needs nothing else.
    ("ledger-passes", "ledger", {}, "INCOMPLETE"),  # the other criteria were not selected
    ("identity-does-not-shrink", "tests.faults:identity_summarizer", {"compression": "pivot"}, "PIVOT"),
    ("dropping-loses-facts", "tests.faults:fact_dropping_summarizer", {"fact-recall": "adjust"}, "INCOMPLETE"),
    ("swapping-substitutes", "tests.faults:distractor_swapping_summarizer", {"fact-recall": "adjust"}, "INCOMPLETE"),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,summarizer,failing,verdict", CASES, ids=[c[0] for c in CASES])
def test_planted_summarizer_fault_flips_the_right_criteria(tmp_path, name, summarizer, failing, verdict):
    decision = run_evals(tmp_path, "--persona-summarizer", summarizer, "-k", CONTEXT_TESTS)
    assert decision.failing == failing, (
        f"--persona-summarizer {summarizer}: expected failing {failing}, got {decision.failing}")
    assert decision.own_verdict == verdict, f"--persona-summarizer {summarizer}: expected {verdict}, got {decision.render()}"
    assert decision.verdict == "INCOMPLETE", "--model auto on CPU: tiny stands in, nothing is decided for the plan"
    assert {"compression", "fact-recall"} <= set(decision.passed) | set(decision.failing), \
        "the compression criteria did not run at all"
