"""Context compression: older turns become one "Previous context: …" system message.

The seed's shape: for a conversation [turn 1 Q/A, turn 2 Q/A, turn 3 Q/A, question], the turns older
than the last `keep_last` exchanges are summarized and the model sees

    [system "Previous context: {summary}", *kept turns, current question]

A summarizer is any `Callable[[list[dict]], str]` taking the messages to fold away. Two are built in:
`extractive_summarizer` (no model: keeps the fact-carrying sentences within a token budget) and
`model_summarizer` (the persona or any model, thinking disabled). Token counts use the tokenizer of
the model in use, over the Qwen3 chat text that model actually reads.

    from persona.compress import compress, extractive_summarizer
    result = compress(messages, extractive_summarizer(tok), tok, keep_last=1)
    result.messages, result.compression_ratio
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from persona.data import ROLES

Summarizer = Callable[[list[dict]], str]
PREFIX = "Previous context: "

SUMMARY_PROMPT = (
    "Summarize the conversation below for someone who will continue it. Keep every name, number, "
    "date, version, place and decision exactly as written, and who said it. Keep facts about "
    "different things apart: never merge two ports, dates or versions into one. Write short plain "
    "sentences, no preamble, no bullet headers."
)
"""System prompt of the model summarizer."""


@dataclass
class Compressed:
    messages: list[dict]
    """The compressed conversation: [system "Previous context: …"], kept turns, current question."""
    summary: str
    """Text of the summary (without the prefix); empty when nothing was compressed."""
    original_tokens: int
    """Tokens of the original conversation in the model's chat format."""
    compressed_tokens: int
    """Tokens of `messages` in the same format."""
    n_summarized: int
    """How many original messages the summary replaced."""

    @property
    def compression_ratio(self) -> float:
        """1 - compressed/original tokens: 0.6 means 60% fewer tokens; negative means it grew."""
        return 1.0 - self.compressed_tokens / self.original_tokens if self.original_tokens else 0.0

    def to_json(self) -> dict:
        return {"original_tokens": self.original_tokens, "compressed_tokens": self.compressed_tokens,
                "ratio": round(self.compression_ratio, 4), "n_summarized": self.n_summarized,
                "summary": self.summary, "messages": self.messages}


def validate_messages(messages, where: str = "messages") -> list[str]:
    """Every problem with a conversation, each naming its place; empty when it is fine.

    Rule: optional system messages first, then user and assistant alternating, starting with user.
    """
    if not isinstance(messages, list) or not messages:
        return [f"{where}: expected a non-empty list of messages"]
    issues, expected, seen_turn = [], "user", False
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
        if role != expected:
            issues.append(f"{place}: {role} message out of order (expected {expected}; roles must "
                          f"alternate user, assistant, starting with user)")
        expected = "assistant" if role == "user" else "user"
    return issues


def count_tokens(messages: list[dict], tokenizer) -> int:
    """Tokens the model reads for these messages, chat markers included."""
    from persona.chat import format_conversation

    text = format_conversation(messages)
    return len(tokenizer(text, add_special_tokens=False)["input_ids"])


def split_for_compression(messages: list[dict], keep_last: int) -> tuple[list[dict], list[dict], list[dict]]:
    """(leading system messages, messages to summarize, messages to keep).

    Kept: the last `keep_last` user/assistant exchanges plus a trailing unanswered question. A
    previous "Previous context" message is summarized again with the turns after it.
    """
    if keep_last < 0:
        raise ValueError(f"keep_last must be >= 0, got {keep_last}")
    head = []
    for message in messages:
        if message["role"] != "system" or message["content"].startswith(PREFIX):
            break
        head.append(message)
    body = messages[len(head):]
    tail_start = len(body) - 1 if body and body[-1]["role"] == "user" else len(body)
    user_starts = [i for i, m in enumerate(body[:tail_start]) if m["role"] == "user"]
    if keep_last == 0:
        cut = tail_start
    elif len(user_starts) > keep_last:
        cut = user_starts[-keep_last]
    else:
        cut = 0
    return head, body[:cut], body[cut:]


def compress(messages: list[dict], summarizer: Summarizer, tokenizer, *, keep_last: int = 1,
             budget_tokens: int | None = None) -> Compressed:
    """Fold the turns older than the last `keep_last` exchanges into one system message.

    With `budget_tokens`, a conversation already within budget is returned unchanged. The summary
    never carries a think trace, whatever the summarizer returned.
    """
    issues = validate_messages(messages)
    if issues:
        raise ValueError("\n".join(issues))
    original = count_tokens(messages, tokenizer)
    head, old, kept = split_for_compression(messages, keep_last)
    if not old or (budget_tokens is not None and original <= budget_tokens):
        return Compressed(list(messages), "", original, original, 0)
    summary = strip_think(summarizer(old)).strip()
    # Qwen3 reads one system message at the top: an existing system prompt absorbs the summary.
    context = f"{PREFIX}{summary}"
    if head:
        system = {"role": "system", "content": "\n\n".join([*(m["content"] for m in head), context])}
    else:
        system = {"role": "system", "content": context}
    new_messages = [system, *kept]
    return Compressed(new_messages, summary, original, count_tokens(new_messages, tokenizer), len(old))


THINK_MARKERS = ("<think>", "</think>")
"""No summary may contain either."""
THINK_BLOCK = re.compile(r"<think>.*?</think>\s*", re.S)
# A sentence ends at . ! ? before a capital, digit or quote, except after a title or "e.g.".
SENTENCE_END = re.compile(
    r"(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bMrs\.)(?<!\be\.g\.)(?<!\bi\.e\.)"
    r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9])|\n+"
)
# What makes a sentence worth keeping: numbers, versions, dates and times; Capitalized names;
# identifiers (billing-api, eu-west-1, `flag`); quoted strings. Each match is one "fact token".
FACT_TOKEN = re.compile(
    r"""[$€£#]?\d(?:[\w.,:/%°+-]*\w)?%?"""      # 8443, 3.2.1, 2024-03-14, 07:45, $1,200, #4821
    r"""|\b[vV]\d[\w.]*"""                       # v3.2.1
    r"""|`[^`]+`|"[^"]+["]"""                     # `code`, "quoted"
    r"""|\b[A-Za-z]+(?:[-_][A-Za-z0-9]+)+\b"""    # billing-api, eu-west-1
    r"""|\b[A-Z][\w'’]*(?:\s+[A-Z][\w'’]*)*"""   # Priya Raman, PostgreSQL, Porto
)
NOT_NAMES = frozenset(
    "I I'm I've I'll I'd OK Okay Sure Yes No Thanks Thank Great Good Hi Hello Hey Also And But So "
    "The This That These Those It It's Its We We're We'll You You're Your My Our Let Let's Here "
    "There What When Where Which Who Why How If Then Just Please Happy Glad Of Sounds Perfect "
    "Absolutely Got Noted Right Makes One A An In On At For To With Quick Is Are Do Does Can "
    "Could Should Would Will Once Before After Now Next Any All Both Either Yeah Maybe Note Keep "
    "Remember Use Make Try Take Check Another Some Most Only Still Well Actually Oh Cool Nice Wow "
    "Done Fine Awesome Honestly Since Because While As Not Also From By Or".split()
)
NUMBER_WORD = re.compile(r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                         r"twenty|thirty|forty|fifty|hundred|thousand|million|billion|half|"
                         r"double|twice|dozen)\b", re.I)
DECISION = re.compile(r"\b(decid|chose|choos|settl|agree|pick|go with|went with|switch|pin|"
                      r"deadline|budget|must|never|always|confirm|booked|signed)", re.I)


@dataclass(frozen=True)
class Sentence:
    text: str
    """The sentence as written."""
    role: str
    """Speaker of the message it came from."""
    message: int
    """Index of that message among the summarized ones."""
    facts: frozenset
    """Normalized fact tokens it carries."""
    bonus: float
    """Extra weight for stating a decision, in units of fact tokens."""


def strip_think(text: str) -> str:
    """Text without think traces: closed blocks, a block pre-filled by the prompt, an unclosed one."""
    text = THINK_BLOCK.sub("", text or "")
    if "</think>" in text:
        text = text.split("</think>", 1)[1]
    return text.split("<think>", 1)[0].strip()


def transcript(messages: list[dict]) -> str:
    """'role: content' lines, think traces removed: the text a summarizer reads."""
    return "\n".join(f"{m['role']}: {strip_think(m['content'])}" for m in messages)


def fact_tokens(sentence: str, known_names: frozenset = frozenset()) -> frozenset:
    """Fact tokens of a sentence, lowercased.

    A lone capitalized word opening the sentence counts only when `known_names` has it (the word
    was seen capitalized mid-sentence): "Porto is lovely" names a city, "Congratulations!" does not.
    """
    found = set()
    for match in FACT_TOKEN.finditer(sentence):
        words = match.group().strip(".,:;!?").split()
        if words and words[0] in NOT_NAMES:
            words = words[1:]
        if not words:
            continue
        opener = match.start() == 0 and len(words) == 1 and words[0].isalpha()
        if opener and words[0].lower() not in known_names:
            continue
        # Word level, possessive dropped: "Lena's" repeats a fact of "Lena Fischer", adds none.
        found.update(re.sub(r"['’]s$", "", w).lower() for w in words)
    found.update(w.lower() for w in NUMBER_WORD.findall(sentence))
    return frozenset(found)


def _mid_sentence_names(texts: list[str]) -> frozenset:
    names = set()
    for text in texts:
        for match in FACT_TOKEN.finditer(text):
            if match.start() > 0 and match.group()[:1].isupper():
                names.update(w.lower() for w in match.group().split() if w not in NOT_NAMES)
    return frozenset(names)


def fact_sentences(messages: list[dict]) -> list[Sentence]:
    """Sentences of the messages, with the fact tokens each carries."""
    pieces = []
    for index, message in enumerate(messages):
        content = strip_think(message["content"])
        if message["role"] == "system" and content.startswith(PREFIX):
            content = content[len(PREFIX):]
        pieces += [(index, message["role"], t.strip()) for t in SENTENCE_END.split(content) if t.strip()]
    names = _mid_sentence_names([text for _, _, text in pieces])
    return [Sentence(text, role, index, fact_tokens(text, names), 0.5 if DECISION.search(text) else 0.0)
            for index, role, text in pieces]


@dataclass
class ExtractiveConfig:
    fraction: float = 0.3
    """Summary budget as a share of the summarized turns' tokens."""
    min_tokens: int = 64
    """Floor of the budget, so short histories still keep their key sentences."""
    max_tokens: int = 400
    """Ceiling of the budget, so long histories still shrink."""


def extractive_summarizer(tokenizer, config: ExtractiveConfig | None = None) -> Summarizer:
    """Summarizer needing no model: keeps the sentences carrying new facts, within a token budget.

    Greedy cover: each step takes the sentence with the most not-yet-kept fact tokens (numbers,
    versions, dates, names, identifiers; decisions weigh extra) per square root of its tokens, so
    a long sentence dense with facts beats a short restatement; earlier sentences win ties, since
    turn 1 is where a conversation states what it is about. It stops when no sentence that fits
    brings a new fact. Sentences keep their original
    order and speaker, so a distractor stays attached to its own subject.
    """
    config = config or ExtractiveConfig()

    def n_tokens(text: str) -> int:
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    def summarize(old: list[dict]) -> str:
        sentences = fact_sentences(old)
        total = n_tokens(transcript(old))
        budget = min(config.max_tokens, max(config.min_tokens, int(config.fraction * total)))
        costs = [n_tokens(s.text) + 1 for s in sentences]
        chosen, covered, spent = set(), set(), 0
        while True:
            best, best_gain = None, 0.0
            for i, sentence in enumerate(sentences):
                if i in chosen or spent + costs[i] > budget:
                    continue
                new_facts = len(sentence.facts - covered)
                gain = (new_facts + sentence.bonus) / costs[i] ** 0.5
                if new_facts and gain > best_gain:
                    best, best_gain = i, gain
            if best is None:
                break
            chosen.add(best)
            covered |= sentences[best].facts
            spent += costs[best]
        return _render(sentences[i] for i in sorted(chosen))

    return summarize


def _render(sentences) -> str:
    """'user: s1 s2 assistant: s3': one speaker label per run of sentences from one message."""
    parts, last_message = [], None
    for sentence in sentences:
        if sentence.message != last_message:
            parts.append(f"{sentence.role}: ")
            last_message = sentence.message
        parts[-1] += sentence.text + " "
    return "\n".join(p.strip() for p in parts)


@dataclass
class ModelSummarizerConfig:
    max_new_tokens: int = 160
    """Longest summary the model may write."""
    system_prompt: str = SUMMARY_PROMPT
    """Instruction given to the model; it asks to keep names, numbers, dates, versions, decisions."""


def model_summarizer(model, tokenizer, config: ModelSummarizerConfig | None = None) -> Summarizer:
    """Summarizer backed by a model (the persona or any other), thinking disabled."""
    config = config or ModelSummarizerConfig()

    def summarize(old: list[dict]) -> str:
        from persona.infer import generate

        prompt = [{"role": "system", "content": config.system_prompt},
                  {"role": "user", "content": "Conversation:\n" + transcript(old)}]
        [generation] = generate(model, tokenizer, [prompt], thinking=False,
                                max_new_tokens=config.max_new_tokens, batch_size=1)
        return strip_think(generation.answer or generation.text)

    return summarize


def resolve_summarizer(name: str, tokenizer, model=None) -> Summarizer:
    """'extractive', 'model' (needs `model`) or an import path 'module:function' to a summarizer."""
    if name == "extractive":
        return extractive_summarizer(tokenizer)
    if name == "model":
        if model is None:
            raise ValueError("summarizer 'model' needs a model; pass --model")
        return model_summarizer(model, tokenizer)
    if not re.fullmatch(r"[\w.]+:\w+", name):
        raise ValueError(f"summarizer {name!r}: expected extractive, model or module:function")
    import importlib

    module_name, function_name = name.split(":")
    function = getattr(importlib.import_module(module_name), function_name, None)
    if not callable(function):
        raise ValueError(f"summarizer {name!r}: {module_name} has no callable {function_name}")
    return function
