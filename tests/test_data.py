"""persona.data: every validation rule, reported all at once with path:line; split and mix."""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from persona.data import DataError, Example, load_jsonl, mix, mix_shortfall, parse_jsonl, split
from tests.helpers import FIXTURES, ROOT, example_record


@dataclass
class Case:
    name: str
    record: object
    problem: str


CASES = [
    Case("unknown-role", example_record(roles=("user", "bot")), "role 'bot' is not one of"),
    Case("not-alternating", example_record(roles=("user", "user", "assistant")), "turns do not alternate"),
    Case("ends-with-user", example_record(roles=("user", "assistant", "user")), "must end with an assistant"),
    Case("empty-content", example_record(answer="   "), "content is empty"),
    Case("missing-category", {"messages": example_record()["messages"], "metadata": {}}, "category is missing"),
    Case("unknown-category", example_record(category="opinion"), "'opinion' is not one of"),
    Case("decision-without-reasoning", example_record(category="decision"), "no reasoning_content"),
    Case("style-with-reasoning", example_record(category="style", reasoning="hmm"), "must not carry reasoning"),
    Case("unbalanced-think", example_record(answer="<think>never closed"), "unbalanced <think>"),
    Case("oversized", example_record(answer="x" * 40_000), "over the 32000 limit"),
    Case("not-an-object", [1, 2], "JSON list, not an object"),
    Case("content-parts-list", {"messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]},
                                             {"role": "assistant", "content": "hello"}],
                                "metadata": {"category": "style"}}, "content must be a string, got a JSON list"),
    Case("content-missing", {"messages": [{"role": "user"}, {"role": "assistant", "content": "hello"}],
                             "metadata": {"category": "style"}}, "content must be a string, got missing"),
    Case("reasoning-not-string", example_record(category="decision", reasoning=["weigh", "it"]),
         "reasoning_content must be a string, got a JSON list"),
    Case("reasoning-a-number", example_record(category="decision", reasoning=3), "reasoning_content must be a string"),
    Case("system-not-first", example_record(roles=("user", "system", "assistant")), "system message may only come first"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_rule_names_line_and_problem(tmp_path, case):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(example_record()) + "\n" + json.dumps(case.record) + "\n")
    examples, problems = parse_jsonl(path)
    assert len(examples) == 1, "the valid first line must still load"
    assert any(p.startswith(f"{path}:2: ") and case.problem in p for p in problems), problems


def test_all_problems_reported_at_once():
    with pytest.raises(DataError) as err:
        load_jsonl(FIXTURES / "data" / "broken.jsonl")
    lines = {p.split(":")[1] for p in err.value.problems}
    assert lines == {str(n) for n in range(2, 13)}, f"every broken line (2-12) is reported: {sorted(lines)}"


def test_bom_blank_lines_and_bad_json(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_bytes(("\ufeff" + json.dumps(example_record()) + "\n\n   \n{oops\n").encode())
    examples, problems = parse_jsonl(path)
    assert len(examples) == 1 and problems == [f"{path}:4: bad JSON: Expecting property name enclosed in double "
                                                "quotes at column 2"]


def test_missing_and_empty_files(tmp_path):
    (tmp_path / "empty.jsonl").write_text("\n")
    assert parse_jsonl(tmp_path / "nope.jsonl")[1] == [f"{tmp_path / 'nope.jsonl'}: file not found"]
    assert "no examples" in parse_jsonl(tmp_path / "empty.jsonl")[1][0]


def test_inline_think_moves_to_reasoning(tmp_path):
    record = example_record(category="decision", answer="<think>\nweigh it\n</think>\n\nShip it.")
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(record) + "\n")
    [example] = load_jsonl(path)
    assert example.messages[-1]["reasoning_content"] == "weigh it"
    assert example.messages[-1]["content"] == "Ship it."


def _pool(style=15, fact=15, decision=30):
    def ex(category, i):
        reasoning = "because" if category == "decision" else None
        return Example(example_record(category=category, answer=f"{category} {i}", reasoning=reasoning)["messages"],
                       {"category": category})
    return [ex(c, i) for c, n in (("style", style), ("fact", fact), ("decision", decision)) for i in range(n)]


def test_split_is_stratified_and_reproducible():
    pool = _pool()
    train, test = split(pool, n_test=10, seed=3407)
    again_train, again_test = split(pool, n_test=10, seed=3407)
    assert [e.messages for e in test] == [e.messages for e in again_test]
    assert (len(train), len(test)) == (50, 10)
    assert mix(test)["decision"] == 5 and sorted([mix(test)["style"], mix(test)["fact"]]) == [2, 3]
    assert not {id(e) for e in train} & {id(e) for e in test}


def test_mix_shortfall_names_what_is_missing():
    assert mix_shortfall(_pool(decision=22)) == ["decision: 22 of 30"]
    assert mix_shortfall(_pool()) == []


def test_toy_dataset_is_valid_and_split_as_committed():
    train = load_jsonl(ROOT / "data/toy/train.jsonl")
    test = load_jsonl(ROOT / "data/toy/test.jsonl")
    pool = load_jsonl(ROOT / "data/toy/examples.jsonl")
    again_train, again_test = split(pool, n_test=10, seed=3407)
    assert [e.messages for e in train] == [e.messages for e in again_train], "train.jsonl is not `persona data split`"
    assert [e.messages for e in test] == [e.messages for e in again_test]
