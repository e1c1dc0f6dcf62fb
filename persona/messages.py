"""Chat messages: the schema and its validation, one place for training records (persona.data) and for
conversations to compress (persona.compression.compress, `persona compress`).

A message is `{"role": "system" | "user" | "assistant", "content": str}`. User and assistant turns alternate,
starting with user. The two uses differ where their purpose does:

- A training record, one JSONL line: `{"messages": [...], "metadata": {"category": ..., ...}}`. At most one
  system message, first; no empty content; a think block only at the start of a content (and then it is
  moved to `reasoning_content`, see move_leading_think); it ends with the assistant answer trained on, whose
  `reasoning_content` its category requires (decision) or forbids (style, fact); under MAX_RECORD_CHARS.
- A conversation to compress: system messages may lead, and after the turns only the "Previous context"
  message of an earlier compression may appear; it may end on the user's question.

Problems are collected, not raised, and each names its place and its rule:
`data.jsonl:3: message 1: role 'bot' is not one of system, user, assistant`, `convo.json[1]: user message out
of order (...)`.
"""
from __future__ import annotations

import json

from persona.chat import THINK_CLOSE, THINK_OPEN, split_leading_think

ROLES = ("system", "user", "assistant")
CATEGORIES = ("style", "fact", "decision")
MAX_RECORD_CHARS = 32_000
"""A record longer than this cannot fit the 2048-token training window in any useful way."""
PREFIX = "Previous context: "
"""Opens the system message that carries a compression's summary (persona.compression.compress): the one
system message a conversation may hold after its turns."""


def _kind(value) -> str:
    """What a JSON value that should have been a string is: 'missing', 'a JSON list'."""
    return "missing" if value is None else f"a JSON {type(value).__name__}"


def _out_of_order(turns: list[tuple[int, object]]) -> list[tuple[int, str, str]]:
    """(position, role, expected role) of every turn that breaks the user/assistant alternation.

    `turns` are (position, role) without system messages; a turn whose role is neither user nor assistant keeps
    its place in the alternation but is not itself checked.
    """
    breaks, expected = [], "user"
    for position, role in turns:
        if role in ("user", "assistant"):
            if role != expected:
                breaks.append((position, role, expected))
            expected = "assistant" if role == "user" else "user"
        else:
            expected = "assistant" if expected == "user" else "user"
    return breaks


def validate_messages(messages, where: str = "messages") -> list[str]:
    """Every problem with a conversation to compress, each naming its place (`where[i]`); empty when it is fine.

    Rule: optional system messages first, then user and assistant alternating, starting with user.
    """
    if not isinstance(messages, list) or not messages:
        return [f"{where}: expected a non-empty list of messages"]
    turns = [(i, m["role"]) for i, m in enumerate(messages) if isinstance(m, dict) and m.get("role") in ROLES[1:]]
    breaks = {position: expected for position, _, expected in _out_of_order(turns)}
    issues, seen_turn = [], False
    for i, message in enumerate(messages):
        place = f"{where}[{i}]"
        if not isinstance(message, dict):
            issues.append(f"{place}: expected an object with role and content")
            continue
        role, content = message.get("role"), message.get("content")
        if role not in ROLES:
            issues.append(f"{place}: role {role!r} is not one of {', '.join(ROLES)}")
            continue
        if not isinstance(content, str):
            issues.append(f"{place}: content must be a string")
        if role == "system":
            if seen_turn and not str(content or "").startswith(PREFIX):
                issues.append(f"{place}: system message after the conversation started")
            continue
        seen_turn = True
        if i in breaks:
            issues.append(f"{place}: {role} message out of order (expected {breaks[i]}; roles must "
                          f"alternate user, assistant, starting with user)")
    return issues


def validate_record(record, where: str) -> list[str]:
    """Every schema problem of one parsed training record, each prefixed with `where` (`path:line`)."""
    if not isinstance(record, dict):
        return [f"{where}: line is a JSON {type(record).__name__}, not an object"]
    problems = []
    messages, metadata = record.get("messages"), record.get("metadata")
    if not isinstance(messages, list) or not messages:
        problems.append(f"{where}: 'messages' must be a non-empty list")
        messages = []
    if not isinstance(metadata, dict):
        problems.append(f"{where}: 'metadata' must be an object with a 'category'")
        metadata = {}
    category = metadata.get("category")
    if category is None:
        problems.append(f"{where}: metadata.category is missing (one of {', '.join(CATEGORIES)})")
    elif category not in CATEGORIES:
        problems.append(f"{where}: category {category!r} is not one of {', '.join(CATEGORIES)}")
    for i, message in enumerate(messages):
        problems += _record_message_problems(message, f"{where}: message {i}", first=i == 0)
    turns = [m for m in messages if not (isinstance(m, dict) and m.get("role") == "system")]
    problems += _turn_problems(turns, where)
    last = turns[-1] if turns and isinstance(turns[-1], dict) else {}
    problems += _reasoning_problems(category, last.get("reasoning_content"), where)
    size = len(json.dumps(record, ensure_ascii=False))
    if size > MAX_RECORD_CHARS:
        problems.append(f"{where}: record is {size} characters, over the {MAX_RECORD_CHARS} limit")
    return problems


def _record_message_problems(message, place: str, first: bool) -> list[str]:
    """Role, content and think-block problems of one message of a training record."""
    if not isinstance(message, dict):
        return [f"{place} is not an object"]
    problems = []
    role, content = message.get("role"), message.get("content")
    if role not in ROLES:
        problems.append(f"{place}: role {role!r} is not one of {', '.join(ROLES)}")
    if role == "system" and not first:
        problems.append(f"{place}: a system message may only come first")
    if not isinstance(content, str):
        return problems + [f"{place} ({role}): content must be a string, got {_kind(content)}"]
    if not content.strip():
        return problems + [f"{place} ({role}): content is empty"]
    reasoning = message.get("reasoning_content")
    if reasoning is not None and not isinstance(reasoning, str):
        return problems + [f"{place} ({role}): reasoning_content must be a string, got {_kind(reasoning)}"]
    for text, name in ((content, "content"), (reasoning or "", "reasoning_content")):
        if text.count(THINK_OPEN) != text.count(THINK_CLOSE):
            problems.append(f"{place}: unbalanced <think> tags in {name}")
        elif THINK_OPEN in text:
            problems.append(f"{place}: <think> block in {name} must lead the content")
    return problems


def _turn_problems(turns: list, where: str) -> list[str]:
    """The first break of the alternation, and a record that does not end on the assistant's answer."""
    problems = []
    roles = [(i, m.get("role") if isinstance(m, dict) else None) for i, m in enumerate(turns)]
    breaks = _out_of_order(roles)
    if breaks:
        i, role, expected = breaks[0]
        problems.append(f"{where}: turns do not alternate: turn {i} is {role!r}, expected {expected!r}")
    if turns and isinstance(turns[-1], dict) and turns[-1].get("role") != "assistant":
        problems.append(f"{where}: the conversation must end with an assistant message")
    return problems


def _reasoning_problems(category, reasoning, where: str) -> list[str]:
    """A decision's final answer needs reasoning_content; a style or fact answer must not carry one."""
    has_reasoning = isinstance(reasoning, str) and reasoning.strip() != ""
    if category == "decision" and not has_reasoning:
        return [f"{where}: decision example has no reasoning_content on its final answer"]
    if category in ("style", "fact") and has_reasoning:
        return [f"{where}: {category} example must not carry reasoning_content"]
    return []


def move_leading_think(record) -> None:
    """Move a leading inline `<think>...</think>` of each assistant message into its reasoning_content, in place,
    unless it already has one."""
    messages = record.get("messages") if isinstance(record, dict) else None
    for message in messages if isinstance(messages, list) else ():
        if not isinstance(message, dict) or message.get("role") != "assistant":
            continue
        content = message.get("content")
        if isinstance(content, str) and "reasoning_content" not in message:
            leading = split_leading_think(content)
            if leading:
                message["reasoning_content"], message["content"] = leading
