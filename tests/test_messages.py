"""persona.messages: the one schema of chat messages, for conversations to compress and for training records.

The training records' rules are also checked through whole files, with path:line, in tests/test_data.py.
"""
from __future__ import annotations

import pytest

from persona.messages import PREFIX, move_leading_think, validate_messages, validate_record
from tests.helpers import example_record


def U(text):
    return {"role": "user", "content": text}


def A(text):
    return {"role": "assistant", "content": text}


VALIDATION_CASES = [
    ("empty", [], "non-empty list"),
    ("bad-role", [{"role": "bot", "content": "x"}], "role 'bot' is not one of"),
    ("starts-with-assistant", [A("x")], "[0]: assistant message out of order"),
    ("two-users", [U("a"), U("b")], "[1]: user message out of order"),
    ("content-not-string", [{"role": "user", "content": 3}], "content must be a string"),
    ("late-system", [U("a"), A("b"), {"role": "system", "content": "c"}], "system message after"),
]


@pytest.mark.parametrize("name,messages,message", VALIDATION_CASES, ids=[c[0] for c in VALIDATION_CASES])
def test_validate_messages_names_place_and_rule(name, messages, message):
    issues = validate_messages(messages, "convo.json")
    assert issues and all(i.startswith("convo.json") for i in issues) and message in "\n".join(issues)


def test_validate_collects_every_problem():
    assert len(validate_messages([A("a"), {"role": "bot", "content": "b"}, U("c"), U("d")])) == 3


CONVERSATION_AND_RECORD = [
    ("after-compression", [U("a"), A("b"), {"role": "system", "content": PREFIX + "a, b"}, U("c"), A("d")],
     [], ["may only come first"]),
    ("two-leading-systems", [{"role": "system", "content": "x"}, {"role": "system", "content": "y"}, U("a"), A("b")],
     [], ["may only come first"]),
    ("ends-on-the-question", [U("a"), A("b"), U("c")], [], ["must end with an assistant"]),
    ("empty-content", [U(" "), A("b")], [], ["content is empty"]),
    ("think-in-the-middle", [U("a"), A("b <think>c</think>")], [], ["must lead the content"]),
    ("two-users", [U("a"), U("b"), A("c")], ["[1]: user message out of order"],
     ["turn 1 is 'user', expected 'assistant'"]),
]


@pytest.mark.parametrize("name,messages,conversation,record", CONVERSATION_AND_RECORD,
                         ids=[c[0] for c in CONVERSATION_AND_RECORD])
def test_a_conversation_and_a_training_record_follow_their_own_rules(name, messages, conversation, record):
    as_conversation = validate_messages(messages, "convo.json")
    as_record = validate_record({"messages": messages, "metadata": {"category": "fact"}}, "d.jsonl:1")
    assert len(as_conversation) == len(conversation) and all(
        any(rule in issue for issue in as_conversation) for rule in conversation), as_conversation
    assert len(as_record) == len(record) and all(any(rule in p for p in as_record) for rule in record), as_record


def test_record_problems_come_in_order_each_naming_line_and_message():
    record = example_record(roles=("user", "bot", "user"))
    record["metadata"]["category"] = "decision"
    assert validate_record(record, "d.jsonl:3") == [
        "d.jsonl:3: message 1: role 'bot' is not one of system, user, assistant",
        "d.jsonl:3: the conversation must end with an assistant message",
        "d.jsonl:3: decision example has no reasoning_content on its final answer",
    ]


def test_a_leading_think_moves_to_reasoning_content():
    record = example_record(category="decision", answer="<think>\nweigh it\n</think>\n\nShip it.")
    move_leading_think(record)
    assert record["messages"][-1]["content"] == "Ship it." and record["messages"][-1]["reasoning_content"] == "weigh it"
    kept = example_record(category="decision", answer="<think>a</think>b", reasoning="mine")
    move_leading_think(kept)
    assert kept["messages"][-1]["content"] == "<think>a</think>b", "reasoning_content given: the content stays"
