"""Training examples: the JSONL schema, validation that reports every problem at once, and the split.

One example per line:

    {"messages": [{"role": "user", "content": "..."},
                  {"role": "assistant", "content": "...", "reasoning_content": "..."}],
     "metadata": {"category": "style" | "fact" | "decision", "source": "slack", "context": "casual"}}

A decision example carries its chain of thought as `reasoning_content` on the final assistant message;
a leading inline `<think>...</think>` in the content is accepted and moved there.
"""
from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

CATEGORIES = ("style", "fact", "decision")
ROLES = ("system", "user", "assistant")
MAX_RECORD_CHARS = 32_000
"""A record longer than this cannot fit the 2048-token training window in any useful way."""
TOY_MIX = {"style": 15, "fact": 15, "decision": 30}
"""The seed's 60-example mix: half reasoning, half direct answers."""

_THINK_OPEN, _THINK_CLOSE = "<think>", "</think>"
_LEADING_THINK = re.compile(r"^\s*<think>(.*?)</think>\s*", re.DOTALL)


class DataError(ValueError):
    """Raised with every problem found, one `path:line: what is wrong` per line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Example:
    messages: list[dict]
    """Chat turns, each {"role", "content"} plus `reasoning_content` on a decision's final answer."""
    metadata: dict = field(default_factory=dict)
    """At least `category`; `source` and `context` describe where the text came from."""
    where: str = ""
    """`path:line` this example was read from, for error messages."""

    @property
    def category(self) -> str:
        return self.metadata.get("category", "")

    def to_json(self) -> dict:
        return {"messages": self.messages, "metadata": self.metadata}


def _normalize_think(message: dict) -> None:
    """Move a leading inline <think>...</think> block into reasoning_content."""
    content = message.get("content")
    if not isinstance(content, str) or "reasoning_content" in message:
        return
    match = _LEADING_THINK.match(content)
    if match and _THINK_OPEN not in match.group(1):
        message["reasoning_content"] = match.group(1).strip()
        message["content"] = content[match.end():]


def validate_record(record, where: str) -> list[str]:
    """Every schema problem of one parsed record, each prefixed with `where`."""
    if not isinstance(record, dict):
        return [f"{where}: line is a JSON {type(record).__name__}, not an object"]
    problems = []
    messages = record.get("messages")
    metadata = record.get("metadata")
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

    turns = [m for m in messages if not (isinstance(m, dict) and m.get("role") == "system")]
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            problems.append(f"{where}: message {i} is not an object")
            continue
        role, content = message.get("role"), message.get("content")
        if role not in ROLES:
            problems.append(f"{where}: message {i}: role {role!r} is not one of {', '.join(ROLES)}")
        if role == "system" and i != 0:
            problems.append(f"{where}: message {i}: a system message may only come first")
        if not isinstance(content, str):
            kind = "missing" if content is None else f"a JSON {type(content).__name__}"
            problems.append(f"{where}: message {i} ({role}): content must be a string, got {kind}")
            continue
        if not content.strip():
            problems.append(f"{where}: message {i} ({role}): content is empty")
            continue
        for text, name in ((content, "content"), (message.get("reasoning_content") or "", "reasoning_content")):
            if text.count(_THINK_OPEN) != text.count(_THINK_CLOSE):
                problems.append(f"{where}: message {i}: unbalanced <think> tags in {name}")
            elif _THINK_OPEN in text:
                problems.append(f"{where}: message {i}: <think> block in {name} must lead the content")
    expected = "user"
    for i, message in enumerate(turns):
        role = message.get("role") if isinstance(message, dict) else None
        if role in ("user", "assistant") and role != expected:
            problems.append(f"{where}: turns do not alternate: turn {i} is {role!r}, expected {expected!r}")
            break
        expected = "assistant" if expected == "user" else "user"
    if turns and isinstance(turns[-1], dict) and turns[-1].get("role") != "assistant":
        problems.append(f"{where}: the conversation must end with an assistant message")

    last = turns[-1] if turns and isinstance(turns[-1], dict) else {}
    reasoning = last.get("reasoning_content")
    has_reasoning = isinstance(reasoning, str) and reasoning.strip() != ""
    if category == "decision" and not has_reasoning:
        problems.append(f"{where}: decision example has no reasoning_content on its final answer")
    if category in ("style", "fact") and has_reasoning:
        problems.append(f"{where}: {category} example must not carry reasoning_content")
    size = len(json.dumps(record, ensure_ascii=False))
    if size > MAX_RECORD_CHARS:
        problems.append(f"{where}: record is {size} characters, over the {MAX_RECORD_CHARS} limit")
    return problems


def parse_jsonl(path: Path) -> tuple[list[Example], list[str]]:
    """Examples and problems of one file; blank lines skipped, a UTF-8 BOM accepted."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [], [f"{path}: file not found"]
    except UnicodeDecodeError as err:
        return [], [f"{path}: not UTF-8 text ({err.reason} at byte {err.start})"]
    except OSError as err:
        return [], [f"{path}: cannot read ({err.strerror})"]
    examples, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            problems.append(f"{where}: bad JSON: {err.msg} at column {err.colno}")
            continue
        if isinstance(record, dict) and isinstance(record.get("messages"), list):
            for message in record["messages"]:
                if isinstance(message, dict) and message.get("role") == "assistant":
                    _normalize_think(message)
        found = validate_record(record, where)
        problems += found
        if not found:
            examples.append(Example(record["messages"], record["metadata"], where))
    if not examples and not problems:
        problems.append(f"{path}: no examples (the file is empty)")
    return examples, problems


def load_jsonl(*paths: Path) -> list[Example]:
    """All examples of the files, or DataError listing every problem in all of them."""
    examples, problems = [], []
    for path in paths:
        found, bad = parse_jsonl(path)
        examples += found
        problems += bad
    if problems:
        raise DataError(problems)
    return examples


def write_jsonl(path: Path, examples: list[Example]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        for example in examples:
            out.write(json.dumps(example.to_json(), ensure_ascii=False) + "\n")
    tmp.replace(path)


def mix(examples: list[Example]) -> Counter:
    """How many examples of each category."""
    return Counter(example.category for example in examples)


def split(examples: list[Example], n_test: int = 10, seed: int = 3407) -> tuple[list[Example], list[Example]]:
    """Stratified, reproducible train/test split: each category gives its share of the test set.

    Shares are rounded by largest remainder, so 15/15/30 with 10 test gives 3/2/5 or 2/3/5, always the same.
    """
    if not 0 < n_test < len(examples):
        raise ValueError(f"cannot take {n_test} test examples out of {len(examples)}")
    rng = random.Random(seed)
    by_category = {c: [e for e in examples if e.category == c] for c in CATEGORIES}
    exact = {c: n_test * len(v) / len(examples) for c, v in by_category.items()}
    quota = {c: int(x) for c, x in exact.items()}
    for c in sorted(exact, key=lambda c: (quota[c] - exact[c], CATEGORIES.index(c)))[: n_test - sum(quota.values())]:
        quota[c] += 1
    train, test = [], []
    for c, group in by_category.items():
        order = list(range(len(group)))
        rng.shuffle(order)
        chosen = set(order[: quota[c]])
        test += [e for i, e in enumerate(group) if i in chosen]
        train += [e for i, e in enumerate(group) if i not in chosen]
    position = {id(e): i for i, e in enumerate(examples)}
    return sorted(train, key=lambda e: position[id(e)]), sorted(test, key=lambda e: position[id(e)])


def mix_shortfall(examples: list[Example], wanted: dict[str, int] = TOY_MIX) -> list[str]:
    """What the pool lacks for the wanted mix, e.g. ['decision: 22 of 30']."""
    have = mix(examples)
    return [f"{c}: {have.get(c, 0)} of {n}" for c, n in wanted.items() if have.get(c, 0) < n]


def select_mix(examples: list[Example], wanted: dict[str, int] = TOY_MIX, seed: int = 3407) -> list[Example]:
    """A reproducible subset with the wanted mix (as much of it as the pool allows)."""
    rng = random.Random(seed)
    chosen = []
    for c, n in wanted.items():
        group = [e for e in examples if e.category == c]
        rng.shuffle(group)
        chosen += group[:n]
    position = {id(e): i for i, e in enumerate(examples)}
    return sorted(chosen, key=lambda e: position[id(e)])
