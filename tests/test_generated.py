"""persona.evalsets (generated, prose, updates): the generated compression sets are big, varied, seeded and split
without overlap."""
from collections import Counter

import pytest

from persona.evalsets.gen_templates import ASK, PLANT, STATE
from persona.evalsets import generated
from persona.evalsets.generated import HISTORY_LENGTHS, build_conversation, generate
from persona.compression.evaluation import value_in_context


@pytest.fixture(scope="module")
def everything():
    return generate()


def _domain(conversation) -> str:
    return conversation.name.split("-", 2)[2]


def _kind(fact) -> str:
    return fact["key"].split(":", 1)[0]


def test_the_set_is_big_and_varied(everything):
    assert len(everything) >= 200, len(everything)
    assert len({_domain(c) for c in everything}) >= 10
    kinds = Counter(_kind(f) for c in everything for f in c.facts)
    assert len(kinds) >= 8 and min(kinds.values()) >= 10, kinds
    lengths = [len(c.messages) for c in everything]
    assert HISTORY_LENGTHS[0] <= min(lengths) and max(lengths) <= HISTORY_LENGTHS[1], (min(lengths), max(lengths))
    assert min(lengths) <= 8 and max(lengths) >= 40, "lengths should span short and long conversations"


def test_facts_come_first_and_distractors_later(everything):
    for c in everything:
        assert {f["turn"] for f in c.facts} == {1, 2}, c.name
        assert all(d["turn"] >= 3 for d in c.distractors), c.name
        keys = {f["key"] for f in c.facts}
        assert keys == {d["confuses"] for d in c.distractors}, f"{c.name}: every fact needs a look-alike"
        assert c.expected and set(c.expected) <= {f["value"] for f in c.facts}, c.name
        for d in c.distractors:
            fact = next(f for f in c.facts if f["key"] == d["confuses"])
            assert not value_in_context(fact["value"], d["value"]), f"{c.name}: {d} would read as {fact}"
            assert not value_in_context(d["value"], fact["value"]), f"{c.name}: {fact} would read as {d}"


def test_halves_share_no_domain_and_no_phrasing(everything):
    tune, test = generated.tuning_set(), generated.test_set()
    assert len(tune) == len(test) == len(everything) // 2
    assert not {_domain(c) for c in tune} & {_domain(c) for c in test}
    families = [set(family) for table in (PLANT, ASK, STATE) for templates in table.values() for family in templates]
    assert all(not (a & b) for a, b in zip(families[::2], families[1::2])), "a template sits in both families"


def test_some_facts_are_stated_by_the_assistant(everything):
    for half in (generated.tuning_set(), generated.test_set()):
        said = Counter(f["said_by"] for c in half for f in c.facts)
        assert said["assistant"] >= 50 and said["user"] > said["assistant"], said
        for c in half:
            for f in c.facts:
                turn = [m for m in c.messages if m["role"] == "user"][f["turn"] - 1]
                reply = c.messages[c.messages.index(turn) + 1]
                holder = reply if f["said_by"] == "assistant" else turn
                assert value_in_context(f["value"], holder["content"]), f"{c.name}: {f} not said by the {f['said_by']}"
                if f["said_by"] == "assistant":
                    assert not value_in_context(f["value"], turn["content"]), f"{c.name}: the user said {f} too"


def test_the_seed_fixes_the_set():
    import random

    from persona.evalsets.gen_domains import DOMAINS

    first, again = (build_conversation(random.Random(5), DOMAINS[0], 0, "x") for _ in range(2))
    assert first == again
    assert build_conversation(random.Random(6), DOMAINS[0], 0, "x") != first


def test_the_prose_set_is_varied_seeded_and_split_without_overlap():
    import random

    from persona.evalsets import prose
    from persona.evalsets.prose_phrases import DOMAINS, KINDS

    everything = prose.generate()
    tune, test = prose.tuning_set(), prose.test_set()
    assert len(tune) == len(test) == len(everything) // 2 >= 60
    assert not {_domain(c) for c in tune} & {_domain(c) for c in test}
    kinds = Counter(_kind(f) for c in everything for f in c.facts)
    assert set(kinds) == set(KINDS) and min(kinds.values()) >= 10, kinds
    lengths = [len(c.messages) for c in everything]
    assert min(lengths) == prose.HISTORY_LENGTHS[0] and max(lengths) >= 30, (min(lengths), max(lengths))
    text = "\n".join(m["content"] for c in everything for m in c.messages[:4])
    assert "```" in text and "\n- " in text and "\n* " in text, "facts also sit in lists and config snippets"
    said = Counter(f["said_by"] for c in everything for f in c.facts)
    assert said["assistant"] >= 40, said
    first, again = (prose.build_conversation(random.Random(5), DOMAINS[0], 0, "x") for _ in range(2))
    assert first == again


@pytest.mark.parametrize("half", ["tuning_set", "test_set"])
def test_the_default_strategy_meets_the_goals_on_the_prose_set(half):
    from persona.evalsets import prose
    from persona.compression.evaluation import evaluate_case, pooled
    from persona.compression.summarizers import DEFAULT_STRATEGY, resolve_summarizer
    from persona.tokenizer import qwen3_tokenizer

    tok = qwen3_tokenizer()
    summarize = resolve_summarizer(DEFAULT_STRATEGY, tok)
    figures = pooled([evaluate_case(c, summarize, tok) for c in getattr(prose, half)()])
    assert figures["fact_retention"] >= 0.95 and figures["substitutions"] == 0, figures
    assert figures["compression_ratio"] >= 0.55, figures


def test_the_updates_set_covers_every_form_band_and_look_alike():
    import random

    from persona.evalsets import updates
    from persona.evalsets.gen_domains import DOMAINS
    from persona.evalsets.gen_updates import LATER_CORRECT, SELF_CORRECT

    everything = updates.generate()
    tune, test = updates.tuning_set(), updates.test_set()
    assert len(tune) == len(test) == len(everything) // 2 >= 90
    assert not {_domain(c) for c in tune} & {_domain(c) for c in test}
    assert not set(LATER_CORRECT[0]) & set(LATER_CORRECT[1]) and not set(SELF_CORRECT[0]) & set(SELF_CORRECT[1])
    for half in (tune, test):
        forms = Counter(f["form"] for c in half for f in c.facts)
        assert set(forms) == set(updates.FORMS) and min(forms.values()) >= 10, forms
        assert sum(bool(f.get("multi")) for c in half for f in c.facts) >= 20
        assert sum(bool(f.get("look_alike")) for c in half for f in c.facts) >= 50
        for band, (low, high) in updates.LENGTH_BANDS.items():
            assert sum(low <= len(c.messages) <= high for c in half) >= 25, band
    for c in everything:
        history = "\n".join(m["content"] for m in c.messages)
        for f in c.facts:
            assert value_in_context(f["value"], history), f"{c.name}: {f}"
            if "supersedes" in f:
                assert value_in_context(f["supersedes"], history) and f["corrected_turn"] >= f["turn"], f"{c.name}: {f}"
        for d in c.distractors:
            fact = next(f for f in c.facts if f["key"] == d["confuses"])
            assert not value_in_context(fact["value"], d["value"]), f"{c.name}: {d} would read as {fact}"
            assert not value_in_context(d["value"], fact["value"]), f"{c.name}: {fact} would read as {d}"
    first, again = (updates.build_conversation(random.Random(5), DOMAINS[0], 0, "upd-tune-004-x") for _ in range(2))
    assert first == again


@pytest.fixture(scope="module")
def updates_test_half():
    """(conversation, CaseResult) per updates test-half conversation, the default strategy."""
    from persona.compression.evaluation import evaluate_case
    from persona.evalsets import updates
    from persona.compression.summarizers import DEFAULT_STRATEGY, resolve_summarizer
    from persona.tokenizer import qwen3_tokenizer

    tok = qwen3_tokenizer()
    summarize = resolve_summarizer(DEFAULT_STRATEGY, tok)
    return [(c, evaluate_case(c, summarize, tok)) for c in updates.test_set()]


def test_the_default_strategy_keeps_the_facts_and_cuts_long_conversations(updates_test_half):
    """Measured on the updates test half (docs/benchmarks.md): 268/270 facts kept (99.3%), 95.5% cut on
    80+ messages; the bars sit under the measurement."""
    from persona.compression.evaluation import pooled

    figures = pooled([r for _, r in updates_test_half])
    assert figures["fact_retention"] >= 0.95, figures
    long = pooled([r for c, r in updates_test_half if len(c.messages) >= 80])
    assert long["compression_ratio"] >= 0.9 and long["fact_retention"] >= 0.95, long


@pytest.mark.xfail(strict=True, reason="not reached yet (docs/benchmarks.md): 0 substitutions but 7 corrections left "
                                       "unmarked, 47.5% cut on short conversations of the updates test half")
def test_the_default_strategy_meets_every_goal_of_issue_21(updates_test_half):
    """No substitution, no unmarked correction, half the tokens cut on short conversations."""
    from persona.compression.evaluation import pooled

    figures = pooled([r for _, r in updates_test_half])
    short = pooled([r for c, r in updates_test_half if len(c.messages) <= 12])
    assert figures["substitutions"] == 0 and figures["unmarked_corrections"] == 0, figures
    assert short["compression_ratio"] >= 0.5, short
