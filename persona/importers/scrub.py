"""Scrub secrets and PII out of message text before anything is written.

A model that memorizes its data repeats any secret left in it, so every message an importer
reads goes through `scrub` before pairing. Each finding becomes a typed placeholder
(`<EMAIL>`, `<PHONE>`, `<CARD>`, `<IBAN>`, `<ADDRESS>`, `<PASSWORD>`, `<PRIVATE_KEY>`,
`<SECRET>`) and is counted by kind for the import summary.

Secrets come from detect-secrets' regex plugins (AWS, GitHub, Slack, JWT, basic auth, …) plus
its Shannon entropy for unquoted high-entropy tokens; PII from phonenumbers, stdnum (IBAN,
Luhn) and regular expressions. Findings are collected as spans over the original text and
merged before replacing, so overlapping detectors (a basic-auth URL looks like an email) never
leave a fragment behind.

    scrubber = make_scrubber()
    scrub("mail me at ada@example.org", scrubber).text  # 'mail me at <EMAIL>'
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

PLACEHOLDERS = {
    "private_key": "<PRIVATE_KEY>",
    "password": "<PASSWORD>",
    "card": "<CARD>",
    "iban": "<IBAN>",
    "email": "<EMAIL>",
    "phone": "<PHONE>",
    "address": "<ADDRESS>",
}
"""Placeholder per kind; every other kind (tokens, keys, high entropy) becomes `<SECRET>`."""

# When spans overlap, the most specific finding names the merged span: a private key, then a
# token a plugin recognised, a "password: …" value, a checksummed card or IBAN, then the rest.
_PRIORITY = ["private_key", "<plugin>", "password", "card", "iban", "high_entropy"]

# IPv4 matches version numbers ("1.2.3.4"); Keyword and high entropy are handled below with
# rules that suit prose rather than source code.
_SKIPPED_PLUGINS = {"IPPublicDetector", "KeywordDetector", "Base64HighEntropyString",
                    "HexHighEntropyString"}

_PRIVATE_KEY = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK|)-----.*?"
    r"(?:-----END \1PRIVATE KEY\2-----|\Z)", re.S)
_PUTTY_KEY = re.compile(r"PuTTY-User-Key-File-\d.*?(?:Private-MAC: *\S+|\Z)", re.S)
_PASSWORD = re.compile(
    r"(?i)\b(?:password|passwd|passphrase|passcode|pwd|pin|api[ _-]?key|access[ _-]?key"
    r"|secret(?:[ _-]?key)?|token)\b(?P<gap>(?:[ \t]+[\w'-]+){0,5}?)"
    r"(?P<sep>[ \t]*[:=][ \t]*|[ \t]+(?:is|was|=|would be)[ \t]+)[\"'`]?(?P<value>[^\s\"'`]+)")
# detect-secrets' basic-auth pattern stops at '!' or '$' inside the password; this one does not.
_URL_PASSWORD = re.compile(r"://[^/\s:@]+:(?P<value>[^/\s@]+)@")
_WORD = re.compile(r"\S{20,}")
_URL_WORD = re.compile(r"://|^www\.|\w\.[a-z]{2,}/")
_URL_PART = re.compile(r"[A-Za-z0-9+]{20,}")
_TOKEN_PART = re.compile(r"[A-Za-z0-9+/=]{20,}")
_PLAIN_PATH = re.compile(r"/?(?:[a-z0-9]+/)+[a-z0-9]*")
_TOKEN_TAIL = re.compile(r"[A-Za-z0-9_+/=.-]*[A-Za-z0-9_+/=-]")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
_CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|6011|65|35|30[0-5]|36|38)")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}")
_DIGITS7 = re.compile(r"\d(?:[\s().+-]*\d){6}")
_PHONE_CUE = re.compile(r"(?i)\b(?:call|phone|tel|mobile|cell|number|text me|whatsapp|fax|ring)\b")
_STREET = (r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl"
           r"|Way|Terrace|Square|Parkway|Pkwy|Highway|Hwy|Close|Crescent|Row")
_ADDRESS = re.compile(
    r"\b\d{1,5}[A-Za-z]?\s+(?:[A-Z][a-z']+\.?\s+){1,4}(?:" + _STREET + r")\b\.?"
    r"(?:,?\s*(?:Apt|Suite|Unit|Flat|#)\.?\s*\w+)?"
    r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?(?:,\s*[A-Z]{2})?(?:\s+\d{5}(?:-\d{4})?)?)?"
    r"|\b[A-ZÄÖÜ][a-zäöüß]+(?:straße|strasse|weg|gasse|platz|allee)\s+\d{1,4}[a-z]?"
    r"(?:,\s*\d{5}\s+[A-ZÄÖÜ][a-zäöüß]+)?")


@dataclass(frozen=True)
class Redaction:
    """One finding, as a span over the original text."""

    kind: str
    """What was found: 'email', 'phone', 'aws_access_key', 'high_entropy', …"""
    start: int
    """Offset of the first character redacted."""
    end: int
    """Offset one past the last character redacted."""


@dataclass(frozen=True)
class Scrubbed:
    """Text with every finding replaced, and what was replaced."""

    text: str
    """The text with placeholders in place of secrets and PII."""
    counts: Counter = field(default_factory=Counter)
    """Redactions by kind."""


@dataclass(frozen=True)
class Scrubber:
    """Detectors built once per import; `make_scrubber` fills it in."""

    secret_patterns: tuple
    """(kind, compiled regex) pairs taken from detect-secrets' regex plugins."""
    entropy: Callable[[str], float]
    """detect-secrets' Shannon entropy, in bits per character."""
    phone_matcher: Callable
    """phonenumbers.PhoneNumberMatcher."""
    phone_leniency: tuple
    """(strict, loose) phonenumbers leniencies; loose applies only next to a phone cue word."""
    iban_is_valid: Callable[[str], bool]
    """stdnum.iban.is_valid."""
    luhn_is_valid: Callable[[str], bool]
    """stdnum.luhn.is_valid."""
    phone_regions: tuple = ("US", "GB")
    """Regions tried for numbers written without a country code."""
    base64_entropy_bits: float = 3.7
    """Entropy above which a mixed letter/digit token of 20+ characters is a secret."""
    hex_entropy_bits: float = 3.0
    """Entropy above which a hex token of 32+ characters is a secret."""


def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def make_scrubber() -> Scrubber:
    """Build the detectors (imports detect-secrets, phonenumbers and stdnum here, not at import)."""
    import phonenumbers
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString
    from stdnum import iban, luhn

    patterns = []
    for secret_type, plugin_class in sorted(get_mapping_from_secret_type_to_class().items()):
        if plugin_class.__name__ in _SKIPPED_PLUGINS:
            continue
        kind = "private_key" if plugin_class.__name__ == "PrivateKeyDetector" else _snake(secret_type)
        patterns.extend((kind, regex) for regex in plugin_class().denylist)
    return Scrubber(
        secret_patterns=tuple(patterns),
        entropy=Base64HighEntropyString().calculate_shannon_entropy,
        phone_matcher=phonenumbers.PhoneNumberMatcher,
        phone_leniency=(phonenumbers.Leniency.VALID, phonenumbers.Leniency.POSSIBLE),
        iban_is_valid=iban.is_valid,
        luhn_is_valid=luhn.is_valid,
    )


def _secret_span(match: re.Match) -> tuple[int, int]:
    """The part of a plugin match that is the secret itself.

    Plugins capture either the secret ('://user:(pass)@') or only a prefix ('(ghp)_…'), so the
    longest group wins when it is long enough to be a secret; otherwise the whole match,
    trimmed of the delimiters some patterns include.
    """
    groups = [i for i in range(1, (match.re.groups or 0) + 1) if match.group(i)]
    if groups:
        best = max(groups, key=lambda i: len(match.group(i)))
        if len(match.group(best)) >= 6:
            return match.span(best)
    start, end = match.span()
    text = match.string
    while start < end and text[start] in " \t\n=:\"'":
        start += 1
    while end > start and text[end - 1] in " \t\n\"'":
        end -= 1
    return start, end


def _looks_like_credential(value: str) -> bool:
    """A value after 'password is' that is not an ordinary word ('expired', 'required')."""
    has_digit_or_symbol = bool(re.search(r"[\d\W_]", value))
    mixed_case = value[1:] != value[1:].lower()
    return has_digit_or_symbol or mixed_case or len(value) >= 14


def _find_secrets(text: str, scrubber: Scrubber) -> list[Redaction]:
    found = [Redaction("private_key", *m.span()) for m in _PRIVATE_KEY.finditer(text)]
    found += [Redaction("private_key", *m.span()) for m in _PUTTY_KEY.finditer(text)]
    for kind, regex in scrubber.secret_patterns:
        for m in regex.finditer(text):
            start, end = _secret_span(m)
            # Some patterns stop early (the JWT one is lazy): cover the rest of the token too.
            tail = _TOKEN_TAIL.match(text, end)
            found.append(Redaction(kind, start, tail.end() if tail else end))
    found += [Redaction("basic_auth", *m.span("value")) for m in _URL_PASSWORD.finditer(text)]
    for m in _PASSWORD.finditer(text):
        value = m.group("value").rstrip(".,;:!?)")
        loose_separator = not re.search(r"[:=]", m.group("sep"))
        if value.startswith("<") or (loose_separator and not _looks_like_credential(value)):
            continue
        found.append(Redaction("password", m.start("value"), m.start("value") + len(value)))
    for word in _WORD.finditer(text):
        # '_' and '-' split identifiers (migration_20240315_add_users); inside URLs '/' and '='
        # split too, so paths and ids stay while a token in a query string is still caught.
        part_regex = _URL_PART if _URL_WORD.search(word.group()) else _TOKEN_PART
        for m in part_regex.finditer(word.group()):
            if _is_high_entropy(m.group(), scrubber):
                start = word.start() + m.start()
                found.append(Redaction("high_entropy", start, start + len(m.group())))
    return found


def _is_high_entropy(token: str, scrubber: Scrubber) -> bool:
    if re.fullmatch(r"[0-9a-fA-F]+", token):
        return len(token) >= 32 and scrubber.entropy(token) > scrubber.hex_entropy_bits
    letters = sum(c.isalpha() for c in token)
    if letters < 4 or _PLAIN_PATH.fullmatch(token):
        return False
    if not any(c.isdigit() for c in token):
        # Without digits only random-looking case (not CamelCase words) counts.
        flips = sum(a.isupper() != b.isupper() for a, b in zip(token, token[1:]) if a.isalpha() and b.isalpha())
        if flips < len(token) / 3:
            return False
    return scrubber.entropy(token) > scrubber.base64_entropy_bits


def _find_iban(text: str, scrubber: Scrubber) -> list[Redaction]:
    found = []
    for m in _IBAN.finditer(text):
        # The pattern may run into a following word; keep the longest prefix that validates.
        for end in range(m.end(), m.start() + 14, -1):
            if text[end - 1] != " " and scrubber.iban_is_valid(text[m.start():end]):
                found.append(Redaction("iban", m.start(), end))
                break
    return found


def _find_phones(text: str, scrubber: Scrubber) -> list[Redaction]:
    if not _DIGITS7.search(text):
        return []
    strict, loose = scrubber.phone_leniency
    found = []
    for region in scrubber.phone_regions:
        found += [Redaction("phone", m.start, m.end)
                  for m in scrubber.phone_matcher(text, region, leniency=strict)]
    # Loose matching finds local numbers of any region, but also order ids and timestamps,
    # so it only counts right after a word like "call" or "mobile".
    for m in scrubber.phone_matcher(text, scrubber.phone_regions[0], leniency=loose):
        if _PHONE_CUE.search(text, max(0, m.start - 30), m.start):
            found.append(Redaction("phone", m.start, m.end))
    return found


def find_redactions(text: str, scrubber: Scrubber) -> list[Redaction]:
    """Every finding in `text`, overlapping spans merged, in text order."""
    found = _find_secrets(text, scrubber)
    found += [Redaction("email", *m.span()) for m in _EMAIL.finditer(text)]
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and _CARD_PREFIX.match(digits) and scrubber.luhn_is_valid(digits):
            found.append(Redaction("card", *m.span()))
    found += _find_iban(text, scrubber)
    found += _find_phones(text, scrubber)
    found += [Redaction("address", *m.span()) for m in _ADDRESS.finditer(text)]
    return _merge(found)


def _rank(kind: str) -> int:
    if kind in _PRIORITY:
        return _PRIORITY.index(kind)
    return len(_PRIORITY) if kind in PLACEHOLDERS else _PRIORITY.index("<plugin>")


def _merge(found: list[Redaction]) -> list[Redaction]:
    merged: list[Redaction] = []
    for r in sorted(found, key=lambda r: (r.start, -r.end)):
        if r.end <= r.start:
            continue
        if merged and r.start <= merged[-1].end:
            last = merged[-1]
            kind = min(last.kind, r.kind, key=_rank)
            merged[-1] = Redaction(kind, last.start, max(last.end, r.end))
        else:
            merged.append(r)
    return merged


def scrub(text: str, scrubber: Scrubber) -> Scrubbed:
    """Replace every secret and piece of PII in `text` by its typed placeholder."""
    redactions = find_redactions(text, scrubber)
    if not redactions:
        return Scrubbed(text)
    parts, cursor = [], 0
    for r in redactions:
        parts += [text[cursor:r.start], PLACEHOLDERS.get(r.kind, "<SECRET>")]
        cursor = r.end
    parts.append(text[cursor:])
    return Scrubbed("".join(parts), Counter(r.kind for r in redactions))
