"""Propose a category (style / fact / decision) and a context for each pair.

Proposals only: records carry `category_status: "proposed"` so the user reviews them before
`persona data split` builds the toy set. The rules, in order:
- decision: my answer has sentences with reasoning cues ("because", "trade-off", "I think"…)
  and at least one without; the cue sentences become `reasoning_content`, the others stay as
  the answer. If either side would be empty, it is style instead.
- fact: my answer states something about me ("I live in…", "my sister is…").
- style: everything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .sources import find_source

REASONING_CUES = re.compile(
    r"(?i)\b(because|since (?:we|it|they|you|i|the|that|this)|so that|trade-?offs?|on the other hand"
    r"|i think|i believe|i'd argue|the reason|which means|that's why|therefore|given that"
    r"|otherwise|the downside|the upside|the risk|pros and cons|rather than|instead of"
    r"|in my experience|weigh(?:ing|ed)?|compared to)\b")
FIRST_PERSON_FACT = re.compile(
    r"(?i)\b(i (?:live|lived|grew up|was born|studied|moved|work(?:ed)? (?:at|for|as|on)|speak|own"
    r"|used to|have (?:a|two|three|been)|'ve been|ve been)|i'm (?:a|an|from|based|allergic)"
    r"|i am (?:a|an|from|based|allergic)|my (?:\w+ ){0,2}(?:is|are|was|were|lives|works)\b)")
CONTEXT_WORDS = {
    "work_technical": r"deploy|bug|PR|merge|API|server|database|query|tests?|CI|build|release|code"
                      r"|function|error|stack|kubernetes|docker|python|sql|latency|cache|commit|branch"
                      r"|endpoint|config|migration|prod|staging|refactor|schema|index|library|```",
    "work_planning": r"meeting|deadline|roadmap|sprint|schedule|plan|priority|budget|hiring|offsite"
                     r"|standup|agenda|estimate|quarter|Q[1-4]|launch|customer|contract|invoice",
    "casual": r"lol|haha|weekend|lunch|dinner|coffee|movie|game|beer|party|birthday|vacation|holiday"
              r"|hike|music|book|cat|dog|kids?|family|fun",
}
CONTEXT_PATTERNS = {name: re.compile(rf"\b(?:{words})\b", re.I) for name, words in CONTEXT_WORDS.items()}

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)|\n+")


@dataclass(frozen=True)
class Proposal:
    """The proposed category and the answer split for it."""

    category: str
    """'style', 'fact' or 'decision'."""
    content: str
    """The answer (for a decision: its concluding sentences)."""
    reasoning: str = ""
    """For a decision: the sentences that carry its reasoning; '' otherwise."""


def sentences(text: str) -> list[str]:
    """Split at sentence ends and line breaks; code blocks are kept whole."""
    if "```" in text:
        return [text]
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def propose(answer: str) -> Proposal:
    """Category proposal for one answer, by the rules in this module's docstring."""
    parts = sentences(answer)
    reasons = [s for s in parts if REASONING_CUES.search(s)]
    conclusion = [s for s in parts if not REASONING_CUES.search(s)]
    if reasons and conclusion:
        return Proposal("decision", " ".join(conclusion), " ".join(reasons))
    if FIRST_PERSON_FACT.search(answer):
        return Proposal("fact", answer)
    return Proposal("style", answer)


def infer_context(text: str, hint: str, source: str) -> str:
    """The context whose keywords occur most in the pair and its channel/subject; ties go to the source's
    default context (its `Source.context`; 'casual' for a name no source declares)."""
    haystack = f"{hint.replace('-', ' ').replace('_', ' ')}\n{text}"
    scores = {name: len(pattern.findall(haystack)) for name, pattern in CONTEXT_PATTERNS.items()}
    best = max(scores.values())
    winners = [name for name, score in scores.items() if score == best]
    declared = find_source(source)
    default = declared.context if declared else "casual"
    return default if best == 0 or default in winners else winners[0]
