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

from persona import atomic
from persona.chat import THINK_CLOSE, THINK_OPEN, split_leading_think

CATEGORIES = ("style", "fact", "decision")
ROLES = ("system", "user", "assistant")
MAX_RECORD_CHARS = 32_000
"""A record longer than this cannot fit the 2048-token training window in any useful way."""
TOY_MIX = {"style": 15, "fact": 15, "decision": 30}
"""The seed's 60-example mix: half reasoning, half direct answers."""


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
    leading = split_leading_think(content)
    if leading:
        message["reasoning_content"], message["content"] = leading


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
            if text.count(THINK_OPEN) != text.count(THINK_CLOSE):
                problems.append(f"{where}: message {i}: unbalanced <think> tags in {name}")
            elif THINK_OPEN in text:
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


_LINE_BREAK_ESCAPES = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"})
_SURROGATE = re.compile("[\ud800-\udfff]")


def json_line(record: dict) -> str:
    """One JSONL line: UTF-8 kept readable, but U+2028, U+2029 and U+0085 escaped, since editors and
    other tools take them for line breaks (json.dumps escapes the control characters already)."""
    return json.dumps(record, ensure_ascii=False).translate(_LINE_BREAK_ESCAPES) + "\n"


def _lone_surrogate(value, at: str = "") -> str | None:
    """Where the first lone surrogate sits in a parsed record ('messages[1].content'), or None."""
    if isinstance(value, str):
        return at or "a string" if _SURROGATE.search(value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _lone_surrogate(item, f"{at}[{key}]" if isinstance(key, int) else f"{at}.{key}".lstrip("."))
        if found:
            return found
    return None


def _lines(path: Path) -> tuple[list[tuple[int, str]], list[str]]:
    """(line number, text) of every line, split on '\n' only; lines that are not UTF-8 are problems."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    lines, problems = [], []
    for number, chunk in enumerate(raw.split(b"\n"), start=1):
        try:
            lines.append((number, chunk.decode("utf-8").removesuffix("\r")))
        except UnicodeDecodeError as err:
            problems.append(f"{path}:{number}: not UTF-8 text ({err.reason} at byte {err.start} of the line)")
    return lines, problems


def _not_jsonl(path: Path, lines: list[tuple[int, str]], bad_json: int) -> str | None:
    """One problem for a file in which no line is JSON (a CSV, a plain text file), else None."""
    filled = [text for _, text in lines if text.strip()]
    if not filled or bad_json < len(filled):
        return None
    hint = " (it looks like CSV)" if "," in filled[0] and not filled[0].lstrip().startswith(("{", "[")) else ""
    return f"{path}: not JSONL{hint}: no line is a JSON object; expected one JSON object per line"


def parse_jsonl(path: Path) -> tuple[list[Example], list[str]]:
    """Examples and problems of one file; lines split on '\n' only, blank lines skipped, a UTF-8 BOM accepted."""
    path = Path(path)
    try:
        lines, problems = _lines(path)
    except FileNotFoundError:
        return [], [f"{path}: file not found"]
    except IsADirectoryError:
        return [], [f"{path}: is a directory, expected a JSONL file"]
    except OSError as err:
        return [], [f"{path}: cannot read ({err.strerror})"]
    examples, bad_json = [], []
    for number, line in lines:
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as err:
            detail = f"{err.msg} at column {err.colno}" if isinstance(err, json.JSONDecodeError) else "nested too deeply"
            bad_json.append(f"{where}: bad JSON: {detail}")
            continue
        surrogate = _lone_surrogate(record)
        if surrogate:
            problems.append(f"{where}: lone surrogate (an unpaired \\ud800-\\udfff escape) in {surrogate}")
            continue
        if isinstance(record, dict) and isinstance(record.get("messages"), list):
            for message in record["messages"]:
                if isinstance(message, dict) and message.get("role") == "assistant":
                    _normalize_think(message)
        found = validate_record(record, where)
        problems += found
        if not found:
            examples.append(Example(record["messages"], record["metadata"], where))
    not_jsonl = _not_jsonl(path, lines, len(bad_json))
    problems = [not_jsonl] if not_jsonl else sorted(problems + bad_json, key=_line_number)
    if not examples and not problems:
        problems.append(f"{path}: no examples (the file is empty)")
    return examples, problems


def _line_number(problem: str) -> int:
    match = re.search(r":(\d+): ", problem)
    return int(match.group(1)) if match else 0


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
    """Write one file atomically (see write_jsonl_files)."""
    write_jsonl_files({Path(path): examples})


def write_jsonl_files(files: dict[Path, list[Example]]) -> None:
    """Write every file atomically, all or none: an error (a full disk, a record that cannot be encoded)
    leaves none of them half done."""
    atomic.write_texts({Path(path): "".join(json_line(example.to_json()) for example in examples)
                        for path, examples in files.items()})


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
