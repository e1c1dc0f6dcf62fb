"""Training examples: reading JSONL with every problem reported at once, writing it, the split and the mix.

One example per line:

    {"messages": [{"role": "user", "content": "..."},
                  {"role": "assistant", "content": "...", "reasoning_content": "..."}],
     "metadata": {"category": "style" | "fact" | "decision", "source": "slack", "context": "casual"}}

A decision example carries its chain of thought as `reasoning_content` on the final assistant message;
a leading inline `<think>...</think>` in the content is accepted and moved there. The rules each record
must follow, and their error messages, are persona.messages'.
"""
from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from persona import atomic
from persona.messages import CATEGORIES, move_leading_think, validate_record

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
        move_leading_think(record)
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
