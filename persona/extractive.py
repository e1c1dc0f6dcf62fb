"""The extractive summarizer: no model, keeps the sentences that carry facts within a token budget.

The seed's fallback "external summarizer". Facts are numbers, versions, dates, names, identifiers and
quoted strings; decisions weigh extra. See persona.compress for how a summary is used.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from persona.compress import PREFIX, Summarizer, strip_think, transcript

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
