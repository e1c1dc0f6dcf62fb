"""How much compression saves and what it loses, measured on conversations with planted facts.

A `Conversation` (fixtures/conversations/*.json, format in its README) plants facts in turns 1-2,
adds distractors later and ends with a question only turns 1-2 answer. The metrics:

- compression ratio: 1 - compressed/original tokens (persona.compression.compress.Compressed).
- context fact retention: share of planted fact values still present in the compressed context.
- distractor substitution: a fact lost from the context while its distractor survived.
- turns without a line: summarized turns of which the summary keeps no words (see `bare_turns`).

In the context, a value counts as present when it occurs on word boundaries after normalizing case,
separators and number formats (persona.values): a summary must keep "120 milliseconds", "50
milliseconds" does not stand in for it, and "1 October" is not in "11 October". What the model answers
with and without compression is measured in persona.measures (answer-level fact recall, quality kept).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from persona.compression.compress import BUDGET_RATIO, Compressed, compress, split_for_compression
from persona.messages import validate_messages
from persona.values import contains_value

MIN_MESSAGES, MAX_MESSAGES = 7, 13
"""Length of a fixture conversation, the final question included."""


@dataclass
class Conversation:
    name: str
    """File stem; the test id."""
    messages: list[dict]
    """History before the question: user/assistant turns, ending with an assistant message."""
    question: str
    """Final user question that only turns 1-2 can answer."""
    facts: list[dict]
    """Planted facts: {"key", "value", "turn"}; `value` must survive compression verbatim."""
    expected: list[str]
    """Strings a correct answer contains (all of them)."""
    distractors: list[dict]
    """Later look-alikes: {"value", "turn", "confuses": fact key} that must not replace a fact."""

    @property
    def full(self) -> list[dict]:
        """The conversation as the model sees it: history plus the question."""
        return [*self.messages, {"role": "user", "content": self.question}]


def load_conversation(path: Path) -> Conversation:
    """Read and check one fixture; raises ValueError listing every problem, each naming the file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ValueError(f"{path}: not readable JSON ({err})") from err
    issues = conversation_issues(data, str(path))
    if issues:
        raise ValueError("\n".join(issues))
    return Conversation(path.stem, data["messages"], data["question"], data["facts"],
                        data["expected"], data.get("distractors", []))


def conversation_issues(data, where: str, lengths: tuple[int, int] = (MIN_MESSAGES - 1, MAX_MESSAGES - 1)) -> list[str]:
    """Every problem with a conversation record; `lengths`: fewest and most history messages."""
    if not isinstance(data, dict):
        return [f"{where}: expected an object with messages, question, facts, expected"]
    issues = [f"{where}: missing {key!r}" for key in ("messages", "question", "facts", "expected")
              if key not in data]
    if issues:
        return issues
    messages = data["messages"]
    issues += validate_messages(messages, f"{where}: messages")
    if isinstance(messages, list) and messages and messages[-1].get("role") != "assistant":
        issues.append(f"{where}: messages must end with an assistant answer; the question follows")
    n = len(messages) + 1 if isinstance(messages, list) else 0
    if not lengths[0] + 1 <= n <= lengths[1] + 1:
        issues.append(f"{where}: {n} messages with the question, expected {lengths[0] + 1}-{lengths[1] + 1}")
    history = "\n".join(m.get("content", "") for m in messages if isinstance(m, dict))
    for i, fact in enumerate(data["facts"]):
        if not {"key", "value", "turn"} <= set(fact):
            issues.append(f"{where}: facts[{i}]: needs key, value and turn")
        elif fact["turn"] not in (1, 2):
            issues.append(f"{where}: facts[{i}]: planted in turn {fact['turn']}, expected turn 1 or 2")
        elif not contains_value(history, fact["value"]):
            issues.append(f"{where}: facts[{i}]: value {fact['value']!r} does not occur in the messages")
    keys = {f.get("key") for f in data["facts"]}
    for i, distractor in enumerate(data.get("distractors", [])):
        if distractor.get("confuses") not in keys:
            issues.append(f"{where}: distractors[{i}]: confuses {distractor.get('confuses')!r}, not a fact key")
        elif distractor.get("turn", 0) < 3:
            issues.append(f"{where}: distractors[{i}]: must come after turn 2")
    issues += _correction_issues(data["facts"], history, where)
    if not data["expected"]:
        issues.append(f"{where}: expected must list at least one answer string")
    return issues


def _correction_issues(facts: list, history: str, where: str) -> list[str]:
    """A corrected fact names the value it replaced, which the history holds, and a turn not before its own."""
    issues = []
    for i, fact in enumerate(facts):
        if "supersedes" not in fact:
            continue
        if not contains_value(history, str(fact["supersedes"])):
            issues.append(f"{where}: facts[{i}]: supersedes {fact['supersedes']!r}, which the messages never say")
        if fact.get("corrected_turn", fact.get("turn", 0)) < fact.get("turn", 0):
            issues.append(f"{where}: facts[{i}]: corrected in turn {fact['corrected_turn']}, before it was stated")
    return issues


def load_conversations(directory: Path) -> list[Conversation]:
    """All fixtures in a directory, sorted by name; every bad file reported at once."""
    conversations, issues = [], []
    for path in sorted(Path(directory).glob("*.json")):
        try:
            conversations.append(load_conversation(path))
        except ValueError as err:
            issues.append(str(err))
    if issues:
        raise ValueError("\n".join(issues))
    return conversations


def context_text(messages: list[dict]) -> str:
    return "\n".join(m["content"] for m in messages)


def value_in_context(value: str, text: str) -> bool:
    """The value occurs in the text on word boundaries, case, separators and number formats aside
    (persona.values.contains_value)."""
    return contains_value(text, value)


def missing_facts(messages: list[dict], facts: list[dict]) -> list[dict]:
    """Planted facts whose value no longer appears in the (compressed) context."""
    text = context_text(messages)
    return [f for f in facts if not value_in_context(f["value"], text)]


def distractor_substitutions(messages: list[dict], facts: list[dict], distractors: list[dict]) -> list[str]:
    """Keys of facts that vanished while a distractor for them, or the value a correction replaced
    (`supersedes`), stayed: the sloppy-summary failure."""
    text = context_text(messages)
    lost = {f["key"] for f in missing_facts(messages, facts)}
    stand_ins = [(d["confuses"], d["value"]) for d in distractors]
    stand_ins += [(f["key"], f["supersedes"]) for f in facts if f.get("supersedes")]
    return sorted({key for key, value in stand_ins if key in lost and value_in_context(value, text)})


def unmarked_corrections(messages: list[dict], facts: list[dict]) -> list[str]:
    """Keys of corrected facts whose replaced value (`supersedes`) is still in the context, unmarked:
    no line holds both values ("3 corrects 1: pg-prod-07, not pg-prod-03", or the user's own "wait,
    it's pg-prod-07"), and the correction is not in a turn kept verbatim after the summary."""
    lines = [line for m in messages for line in m["content"].split("\n")]
    verbatim = context_text([m for m in messages if m["role"] != "system"])
    text = context_text(messages)

    def marked(fact: dict) -> bool:
        new, old = fact["value"], fact["supersedes"]
        if any(value_in_context(new, line) and value_in_context(old, line) for line in lines):
            return True
        return value_in_context(new, verbatim) and not value_in_context(old, verbatim)

    return sorted(f["key"] for f in facts if f.get("supersedes") and value_in_context(f["supersedes"], text)
                  and not marked(f))


WORD = re.compile(r"\w+(?:['’.:/-]\w+)*")
LINE_WORDS = 3
"""Consecutive words of a turn (all of a shorter turn) that make a line of it in a summary."""


def _grams(text: str, n: int) -> set[tuple]:
    words = WORD.findall(text.lower())
    return {tuple(words[i:i + n]) for i in range(max(len(words) - n + 1, 1))} if words else set()


TURN_TAG = re.compile(r"^t?(\d+)(?: (?:user|assistant|system))?(?: corrects \d+)?:", re.M)


def bare_turns(old: list[dict], summary: str, n_words: int = LINE_WORDS) -> list[int]:
    """1-based user/assistant turns of the summarized messages that have no line in the summary.

    A summary whose lines carry turn tags ("3: …", "3 assistant: …", the ledger; "t3: …" too) is read by its tags. Otherwise
    a turn has a line when the summary holds `n_words` consecutive words of that turn (case aside);
    words a turn shares with others ("thanks, that helps") then count for each of them.
    """
    turns: list[str] = []
    for message in old:
        if message["role"] == "user" or not turns:
            turns.append("")
        turns[-1] += "\n" + message["content"]
    tagged = {int(t) for t in TURN_TAG.findall(summary)}
    if tagged:
        return [t for t in range(1, len(turns) + 1) if t not in tagged]
    kept = _grams(summary, n_words)
    return [t + 1 for t, text in enumerate(turns) if not _grams(text, n_words) & kept]


@dataclass
class CaseResult:
    name: str
    """Conversation name."""
    compressed: Compressed
    """The compression itself: messages, summary, token counts."""
    facts_total: int
    """Planted facts in the conversation."""
    facts_missing: list[str]
    """Keys of planted facts gone from the compressed context."""
    substituted: list[str]
    """Keys of facts replaced by a distractor."""
    expected_missing: list[str] = field(default_factory=list)
    """Expected answer strings no longer in the compressed context (value_in_context)."""
    expected_total: int = 0
    """Expected answer strings of the conversation."""
    turns_total: int = 0
    """Summarized user/assistant turns."""
    turns_bare: list[int] = field(default_factory=list)
    """Summarized turns with no line in the summary (bare_turns)."""
    unmarked: list[str] = field(default_factory=list)
    """Keys of corrected facts whose replaced value stayed unmarked (unmarked_corrections)."""

    @property
    def fact_retention(self) -> float:
        return 1.0 - len(self.facts_missing) / self.facts_total if self.facts_total else 1.0


def evaluate_case(conversation: Conversation, summarizer, tokenizer, *, keep_last: int = 1,
                  budget_ratio: float = BUDGET_RATIO, with_question: bool = True) -> CaseResult:
    """Compress one conversation and check its planted facts and expected answer strings.

    `with_question=False` compresses the history alone, as `persona compress FILE` does with a
    fixture file (it reads "messages" only): the same summary, fewer tokens in both counts."""
    messages = conversation.full if with_question else conversation.messages
    result = compress(messages, summarizer, tokenizer, keep_last=keep_last, budget_ratio=budget_ratio)
    missing = missing_facts(result.messages, conversation.facts)
    substituted = distractor_substitutions(result.messages, conversation.facts, conversation.distractors)
    text = context_text(result.messages)
    old = split_for_compression(messages, keep_last)[1]
    n_turns = sum(m["role"] == "user" for m in old) or int(bool(old))
    return CaseResult(conversation.name, result, len(conversation.facts), [f["key"] for f in missing], substituted,
                      [e for e in conversation.expected if not value_in_context(e, text)], len(conversation.expected),
                      n_turns, bare_turns(old, result.summary) if result.n_summarized else [],
                      unmarked_corrections(result.messages, conversation.facts))


def pooled(results: list[CaseResult]) -> dict:
    """Set-level figures: token ratio over all conversations pooled, fact retention over all facts."""
    original = sum(r.compressed.original_tokens for r in results)
    compressed = sum(r.compressed.compressed_tokens for r in results)
    facts = sum(r.facts_total for r in results)
    kept = facts - sum(len(r.facts_missing) for r in results)
    expected = sum(r.expected_total for r in results)
    cuts = sorted(r.compressed.compression_ratio for r in results)
    return {"conversations": len(results), "original_tokens": original, "compressed_tokens": compressed,
            "compression_ratio": 1.0 - compressed / original if original else 0.0,
            "min_case_ratio": cuts[0] if cuts else 0.0, "median_case_ratio": _median(cuts),
            "cases_under_half": sum(c < 0.5 for c in cuts),
            "mean_case_ratio": sum(r.compressed.compression_ratio for r in results) / len(results) if results else 0.0,
            "fact_retention": kept / facts if facts else 1.0, "facts": facts, "facts_kept": kept,
            "expected": expected, "expected_kept": expected - sum(len(r.expected_missing) for r in results),
            "substitutions": sum(len(r.substituted) for r in results),
            "unmarked_corrections": sum(len(r.unmarked) for r in results),
            "turns": sum(r.turns_total for r in results), "turns_bare": sum(len(r.turns_bare) for r in results)}


def _median(values: list[float]) -> float:
    if not values:
        return 0.0
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
