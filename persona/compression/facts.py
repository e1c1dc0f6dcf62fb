"""Fact spans in chat text: what a compressed context must keep verbatim.

A fact span is a stretch of text a later question could ask for: a number with its unit, an amount,
a date or time, a version, an identifier or code token (snake_case flags, eu-west-1, #4821, `code`),
a quoted string, a proper name (people, places, products), or a decision clause ("we chose X over
Y"). Spans keep their exact surface text, so "8443" stays "8443" and "340 ms" stays "340 ms".

    from persona.compression.facts import find_facts, split_clauses
    [(f.kind, f.text) for f in find_facts("Dana Whitfield moved it to port 8443 on 12 October.")]
    # [('date', '12 October'), ('number', '8443'), ('name', 'Dana Whitfield')]

Pure functions on strings; no model, no tokenizer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Case aside: people write "aug 20", "17th of may", "thu 9 oct". A month or weekday alone is no date
# ("we may go"): every pattern below needs a number beside it, but a full weekday name.
MONTH = (r"(?i:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
         r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|(?i:mon|tue|wed|thu|fri|sat|sun)(?=,?\s+\d))"
UNIT = (r"(?:ms|milliseconds?|µs|us|ns|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|nights?|"
        r"weeks?|months?|years?|%|percent|°[CF]?|degrees|g|kg|mg|lbs?|ml|l|litres?|liters?|GB|MB|KB|"
        r"TB|GiB|MiB|km|m|cm|mm|miles?|mph|rpm|req/s|rps|qps|k|x|people|guests|steps|epochs|tokens|"
        r"users|pages|words|sq ?m|m2|m²)")
CURRENCY = r"(?:EUR|USD|GBP|PLN|CHF|SEK|NOK|DKK|CZK|JPY|CAD|AUD|INR|dollars?|euros?|pounds?|zł|kr)"
NUMBER_WORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
               r"thirty|forty|fifty|sixty|ninety|a hundred|hundred|half an?|a couple of|a dozen)")

# Order matters: the first pattern to claim a stretch of text wins it.
PATTERNS = [
    ("date", rf"\b{WEEKDAY},?\s+(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?(?:\s+(?:of\s+)?{MONTH}\b\.?)?(?:,?\s+\d{{4}})?"),
    ("date", rf"\b(?:{WEEKDAY},?\s+)?{MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"),
    ("date", rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}\b\.?(?:,?\s+\d{{4}})?"),
    ("date", rf"\b\d{{4}}[-/]\d{{2}}[-/]\d{{2}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b|\b{MONTH}\s+\d{{4}}\b|\bQ[1-4]\b"),
    ("date", r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b"),
    ("time", r"\b\d{1,2}:\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?(?:\s?(?:UTC|GMT|CET|CEST|[A-Z]{2,4}T))?|\b\d{1,2}\s?[ap]\.?m\.?(?![\w])"),
    ("amount", rf"[$€£¥]\s?\d[\d,.]*(?:\s?(?:k|K|m|M|bn|million|billion|thousand)\b)?"
               rf"|\b\d[\d,.]*\s?(?:k\s)?{CURRENCY}\b"),
    # A range's second number only after its separator: two adjacent digit runs backtrack cubically on a long one
    ("quantity", rf"[~≈<>]?\d[\d,.]*(?:e-?\d+)?(?:\s?(?:-|–|to)\s?\d[\d,.]*)?\s?{UNIT}(?![\w])"),
    ("quantity", rf"\b{NUMBER_WORD}\s+(?:{UNIT}|hours?|minutes?|days?|weeks?|months?|years?)\b"),
    ("version", r"(?:==|>=|<=|~=)?\b[vV]?\d+(?:\.\d+){1,3}(?:[-+.]?[A-Za-z]+\d*)?\b"),
    ("code", r"`[^`\n]+`|\"[^\"\n]{2,60}\"|“[^”\n]{2,60}”"),
    # An e-mail address (anchored on its left: no retry inside a long token), a room or seat code ("1E", "12C")
    ("identifier", r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b|\b\d{1,4}[A-Z]\b"
                   r"|#\d+\b|\b[A-Za-z][A-Za-z0-9]*(?:[_.:/-][A-Za-z0-9]+)+\b|\b[a-z]+[A-Z]\w*\b"
                   r"|\b[A-Z][a-z0-9]+[A-Z]\w*\b|\b[A-Z]{1,4}[- ]?\d{2,}[A-Za-z]?\b(?![.,]\d)|\b[A-Z]{2,}\d*\b"),
    # A number, or one written behind a lowercase letter ("x4471", an extension): the same kind, so "4471" -> "x4417"
    # is read as one value replacing another
    ("number", r"\b[a-z]\d{3,}\b|[~≈]?\d[\d,.]*(?:e-?\d+)?(?:st|nd|rd|th)?\b"),
]
FACT_PATTERN = re.compile("|".join(f"(?P<{kind}{i}>{p})" for i, (kind, p) in enumerate(PATTERNS)))

# Capitalized words that open sentences or stand for the speaker: never a name on their own.
NOT_NAMES = frozenset(
    "I I'm I've I'll I'd OK Okay Sure Yes No Thanks Thank Great Good Hi Hello Hey Also And But So "
    "The This That These Those It It's Its We We're We'll We've You You're You'll Your My Our Let "
    "Let's Here There What When Where Which Who Why How If Then Just Please Happy Glad Of Sounds "
    "Perfect Absolutely Got Noted Right Makes One A An In On At For To With Quick Is Are Do Does Can "
    "Could Should Would Will Once Before After Now Next Any All Both Either Yeah Maybe Note Keep "
    "Remember Use Make Try Take Check Another Some Most Only Still Well Actually Oh Cool Nice Wow "
    "Done Fine Awesome Honestly Since Because While As Not From By Or Anyway Also Besides Meanwhile "
    "However Otherwise Luckily Unfortunately Hopefully Basically Probably Definitely Understood "
    "Mine He She They Their His Her Him Them Each Every Even Much Many More Less Few Did Was Were "
    "Had Has Have Be Been Being Go Going Sorry Alright Ah Hmm Plus Yet Though Although Unless Until "
    "Whether Another Other Same Such Very Really Exactly Indeed Instead Otherwise Agreed Fair Dr Mr Mrs Ms Prof "
    "He's She's They're They've They'll They'd He'll She'll He'd She'd".split()
)
OPENERS = frozenset(
    "Everything Everyone Whatever Whoever Someone Somebody Something Nothing Nobody Anything Anyone "
    "Last First Never Always Sometimes Often Today Tomorrow Yesterday Later Soon Sadly Congratulations "
    "Unfortunately Fortunately Personally Overall Generally Usually Ideally Otherwise Between Whenever".split())
"""Capitalized words that open sentences and are not names, beyond NOT_NAMES."""
NAME_WORD = re.compile(r"(?<![^\W_])[^\W\d_][\w'’.-]*\w|(?<![^\W_])[^\W\d_]")
"""A word that may be part of a name: it starts with a letter, not inside a token ("1E", "x86")."""
TITLE = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Prof)\.$")
"""A title before a word does not end a sentence: "Dr. Okafor" is a name, not a sentence's opener."""
NAME_JOINERS = frozenset("van von de da del der di du la le bin al y of".split())
DECISION = re.compile(
    r"\b(?:decided|decide|chose|choose|chosen|picked|pick|selected|settled|settle|went with|go with|"
    r"going with|went for|going for|opted|agreed|prefer|preferred|switched|switching|instead of|"
    r"rather than|changed|booked|signed|confirmed)\b", re.I)
# "trade-offs", "Multi-table": hyphenated lowercase words (a sentence may capitalize the first),
# identifiers only sometimes ("billing-api").
COMPOUND_WORD = re.compile(r"[A-Za-z][a-z]*(?:-[a-z]+)+")
# Clause boundaries: ; : — – ( ) and ", " (a comma followed by a space; "$1,200" stays whole).
CLAUSE_END = re.compile(r"(?<=[;:,)])\s+|\s+(?=[(—–]|-\s)")
SENTENCE_END = re.compile(
    r"(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bMrs\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bProf\.)(?<!\bvs\.)"
    r"(?<=[.!?])\s+(?=[\"'“(\[A-Z0-9£$€])|(?<=\?)\s+(?=\S)|(?<=\?)[,;]\s+|\n+")


@dataclass(frozen=True)
class Fact:
    text: str
    """The span exactly as written."""
    kind: str
    """date, time, amount, version, code, identifier, compound, quantity, number, name, opener (a
    capitalized word opening a sentence, maybe a name) or decision."""
    start: int
    """Offset of the span in the text it was found in (of the cue word, for a decision)."""

    @property
    def key(self) -> str:
        """Normalized value: merges repeats of one fact ("pydantic==1.10.13" / "v1.10.13" / "1.10.13")."""
        value = re.sub(r"\s+", " ", self.text.strip("`\"“”=<>~≈#")).lower()
        return value[1:] if re.match(r"v\d", value) else value


def find_facts(text: str, known_names: frozenset = frozenset()) -> list[Fact]:
    """Every fact span of a text, in order of kind then position (see the module docstring).

    A lone capitalized word opening a sentence counts as a name only when `known_names` holds it
    (lowercased): "Porto is lovely" names a city once Porto was seen mid-sentence.
    """
    facts, taken = [], []
    for match in FACT_PATTERN.finditer(text):
        kind = re.sub(r"\d+$", "", match.lastgroup)
        span = match.group().rstrip(".,")
        if kind == "identifier" and COMPOUND_WORD.fullmatch(span):
            kind = "compound"
        if span.strip("~≈# "):
            facts.append(Fact(span, kind, match.start()))
            taken.append((match.start(), match.start() + len(span)))
    facts += [f for f in _names(text, known_names) if not _overlaps(f, taken)]
    cue = DECISION.search(text)
    if cue:
        facts.append(Fact(text.strip(), "decision", cue.start()))
    return facts


def _overlaps(fact: Fact, taken: list[tuple[int, int]]) -> bool:
    end = fact.start + len(fact.text)
    return any(fact.start < b and a < end for a, b in taken)


def _names(text: str, known_names: frozenset) -> list[Fact]:
    """Runs of capitalized words ("Priya Raman", "Hotel Adler", "Gdańsk"), joiners allowed inside."""
    names, run = [], []
    for match in NAME_WORD.finditer(text):
        word = match.group()
        gap = text[run[-1].end():match.start()] if run else ""
        if run and (gap.strip() or "\n" in gap):
            names.append(run)
            run = []
        if word[0].isupper() and word.strip(".").replace("’", "'") not in NOT_NAMES:
            run.append(match)
        elif run and word in NAME_JOINERS:
            run.append(match)
        elif run:
            names.append(run)
            run = []
    names.append(run)
    found = []
    for run in names:
        while run and run[-1].group() in NAME_JOINERS:
            run = run[:-1]
        if not run:
            continue
        span = text[run[0].start():run[-1].end()].rstrip(".")
        before = text[:run[0].start()].rstrip()
        opens_sentence = not before or before[-1] in ".!?\n" and not TITLE.search(before)
        if opens_sentence and len(run) == 1 and span.lower() not in known_names:
            # "Porto is lovely" or "Congratulations!": a weaker guess, unless it is a common opener.
            if span not in OPENERS and len(span) > 2:
                found.append(Fact(span, "opener", run[0].start()))
            continue
        found.append(Fact(span, "name", run[0].start()))
    return found


def mid_sentence_names(texts: list[str]) -> frozenset:
    """Lowercased capitalized words seen after a sentence's first word: names, not openers."""
    known = set()
    for text in texts:
        for match in NAME_WORD.finditer(text):
            before = text[:match.start()].rstrip()
            if before and (before[-1] not in ".!?\n" or TITLE.search(before)) and match.group()[0].isupper():
                known.add(match.group().rstrip(".").lower())
    return frozenset(known - {w.lower() for w in NOT_NAMES})


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def split_clauses(sentence: str, keep: list[tuple[int, int]] = ()) -> list[tuple[int, str]]:
    """(offset, clause) of a sentence split at ; : , — ( boundaries; whitespace between them dropped. No boundary
    inside a span of `keep` (offsets of fact spans: "September 20, 2025" stays one value)."""
    cuts = [m for m in CLAUSE_END.finditer(sentence) if not any(a < m.start() < b for a, b in keep)]
    pieces = [sentence[a.end() if a else 0:b.start() if b else len(sentence)]
              for a, b in zip([None, *cuts], [*cuts, None])]
    clauses, position = [], 0
    for clause in pieces:
        if clause.strip():
            position = sentence.index(clause.strip(), position)
            clauses.append((position, clause.strip()))
            position += len(clause.strip())
    return clauses


NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
                "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "dozen": "12", "fifteen": "15",
                "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "ninety": "90",
                "hundred": "100"}
FILLER_WORDS = frozenset("a an the of to for and or in on at is are be it we you i me my our this that "
                         "what which who where when how should would could can do does did with".split())
WORD_PART = re.compile(r"[^\W_]+")


def has_digits(text: str) -> bool:
    """Written with a digit: a time, an amount, a host, a version (the most specific kind of value)."""
    return any(ch.isdigit() for ch in text)


def fact_words(text: str) -> frozenset:
    """Normalized words of a fact, so restatements read as one: "90-minute" and "90 minutes",
    "a hundred steps" and "100 steps" give the same words. Digits stay as written."""
    words = set()
    for word in WORD_PART.findall(text.lower()):
        word = NUMBER_WORDS.get(word, word)
        if word == "s":  # "Lena's" is Lena
            continue
        words.add(word[:-1] if len(word) > 3 and word.endswith("s") and not word.isdigit() else word)
    return frozenset(words - FILLER_WORDS)


def content_words(text: str) -> frozenset:
    """fact_words of any text: what two sentences must share to be about the same thing."""
    return fact_words(text)
