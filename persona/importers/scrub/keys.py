"""Keys and tokens: private keys, vendor key shapes taken whole, detect-secrets' plugins, entropy.

Vendor keys carry '-' and '_' inside (`sk-ant-api03-…`, `AIza…`, Discord webhook tokens); a rule
that splits at those leaves pieces that each look too short to be random, so every vendor
shape here matches its prefix and then the whole token. The detect-secrets regex plugins cover
the vendors not listed, and Shannon entropy the tokens nobody labelled.
"""

from __future__ import annotations

import re

from .safe import is_hex_hash
from .types import Redaction

_TOKEN = r"[A-Za-z0-9_-]"
VENDOR_KEYS = re.compile("|".join([
    r"sk-ant-[a-z]{2,8}\d{2}-" + _TOKEN + "{20,}",              # Anthropic
    r"sk-(?:proj|svcacct|admin|None)-" + _TOKEN + "{20,}",       # OpenAI project / service keys
    r"sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}",                # OpenAI legacy
    r"sk-[A-Za-z0-9]{32,}",
    r"AIza" + _TOKEN + "{30,}",                                  # Google API key
    r"ya29\." + _TOKEN + "{20,}",                                # Google OAuth
    r"gh[pousr]_[A-Za-z0-9]{30,}", r"github_pat_[A-Za-z0-9_]{40,}",
    r"glpat-" + _TOKEN + "{20,}", r"gl(?:dt|ptt|rt|cbt|soat)-" + _TOKEN + "{20,}",
    r"xox[abposrec]-[A-Za-z0-9-]{10,}", r"xapp-\d-[A-Za-z0-9-]{10,}",
    r"(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}", r"whsec_[A-Za-z0-9]{24,}",
    r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}",
    r"SG\." + _TOKEN + r"{16,}\." + _TOKEN + "{16,}",             # SendGrid
    r"npm_[A-Za-z0-9]{36}", r"pypi-AgE" + _TOKEN + "{40,}",
    r"hf_[A-Za-z0-9]{30,}",                                      # Hugging Face
    r"(?:SK|AC)[0-9a-f]{32}",                                    # Twilio
    r"dop_v1_[0-9a-f]{64}", r"sh(?:pat|pss|pca|ppa)_[0-9a-fA-F]{32}",
    r"xkeysib-[0-9a-f]{64}-" + _TOKEN + "{16}", r"key-[0-9a-zA-Z]{32}",
    r"lin_api_[A-Za-z0-9]{40}", r"figd_" + _TOKEN + "{40,}", r"AGE-SECRET-KEY-1[0-9A-Z]{58}",
    r"(?:discord(?:app)?\.com|discord\.gg)/api/webhooks/\d+/" + _TOKEN + "+",
    r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]+",
    r"eyJ" + _TOKEN + r"{8,}\." + _TOKEN + r"{8,}\." + _TOKEN + "{8,}",  # JWT
]))
_PRIVATE_KEY = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK|)-----.*?"
    r"(?:-----END \1PRIVATE KEY\2-----|\Z)", re.S)
_PUTTY_KEY = re.compile(r"PuTTY-User-Key-File-\d.*?(?:Private-MAC: *\S+|\Z)", re.S)
_BEARER = re.compile(r"\b(?:Bearer|Token|Basic)\s+(?P<value>[A-Za-z0-9._~+/=-]{16,})")
# IPv4 matches version numbers ("1.2.3.4"); Keyword and high entropy are handled with rules that
# suit prose rather than source code (assignments.py, `_high_entropy` below).
_SKIPPED_PLUGINS = {"IPPublicDetector", "KeywordDetector", "Base64HighEntropyString", "HexHighEntropyString"}
_TOKEN_TAIL = re.compile(r"[A-Za-z0-9_+/=.-]*[A-Za-z0-9_+/=-]")
_RUN = re.compile(r"[A-Za-z0-9_+/=-]{20,}")
_URL_WORD = re.compile(r"\S*(?:://|www\.)\S*")
_URL_PART = re.compile(r"[A-Za-z0-9+_-]{20,}")
_PLAIN_PATH = re.compile(r"/?(?:[a-z0-9]+/)+[a-z0-9]*")
# A vendor prefix glued to a hex body (`dapi…`, `PMAK-…-…`, `pul-…`): a hash is never prefixed so.
_PREFIXED_HEX = re.compile(r"(?<![\w.-])[A-Za-z]{2,8}[-_.]?[0-9a-f]{24,}(?:-[0-9a-f]{16,})*(?![\w-])")


def plugin_patterns() -> tuple:
    """(kind, regex) of detect-secrets' regex plugins, less the ones replaced here."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    patterns = []
    for secret_type, plugin_class in sorted(get_mapping_from_secret_type_to_class().items()):
        if plugin_class.__name__ in _SKIPPED_PLUGINS:
            continue
        kind = "private_key" if plugin_class.__name__ == "PrivateKeyDetector" else \
            re.sub(r"[^a-z0-9]+", "_", secret_type.lower()).strip("_")
        patterns.extend((kind, regex) for regex in plugin_class().denylist)
    return tuple(patterns)


def _plugin_span(match: re.Match) -> tuple[int, int]:
    """The secret part of a plugin match: its longest group when long enough, else the whole match."""
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


def _with_tail(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend a key span over the rest of its token (some patterns stop early, or at a '-')."""
    tail = _TOKEN_TAIL.match(text, end)
    return start, tail.end() if tail else end


def looks_random(token: str, entropy, threshold: float) -> bool:
    """A token of 20+ characters that reads as random: mixed letters and digits (or random case)
    with high entropy, in pieces that are not words or numbers joined by '-', '_' or '/'."""
    core = token.strip("=-_/+")
    if len(core) < 20 or is_hex_hash(core) or _PLAIN_PATH.fullmatch(core):
        return False
    pieces = [p for p in re.split(r"[-_/+.=]", core) if p]
    if not any(_random_piece(p) for p in pieces):
        return False
    return entropy(core) > threshold


def _is_camel_case(piece: str) -> bool:
    """Words and short numbers run together (`Base64HighEntropyString`, `nvmlDeviceGetHandle`)."""
    parts = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", piece)
    return "".join(parts) == piece and all(len(p) >= 2 if p.isalpha() else len(p) <= 4 for p in parts)


def _random_piece(piece: str) -> bool:
    if len(piece) < 8 or sum(c.isalpha() for c in piece) < 3 or is_hex_hash(piece) or _is_camel_case(piece):
        return False
    if any(c.isdigit() for c in piece):
        return not piece.isdigit() and not re.fullmatch(r"[a-z]+\d{1,4}|\d{1,4}[a-z]+", piece, re.I)
    # Without digits only random-looking case (not CamelCase words) counts.
    flips = sum(a.isupper() != b.isupper() for a, b in zip(piece, piece[1:]))
    return flips >= len(piece) / 3


def find(text: str, scrubber) -> list[Redaction]:
    """Private keys, vendor keys, plugin matches, bearer tokens and high-entropy tokens in `text`."""
    found = [Redaction("private_key", *m.span()) for m in _PRIVATE_KEY.finditer(text)]
    found += [Redaction("private_key", *m.span()) for m in _PUTTY_KEY.finditer(text)]
    found += [Redaction("api_key", *_with_tail(text, *m.span())) for m in VENDOR_KEYS.finditer(text)]
    for kind, regex in scrubber.secret_patterns:
        found += [Redaction(kind, *_with_tail(text, *_plugin_span(m))) for m in regex.finditer(text)]
    found += [Redaction("bearer_token", *m.span("value")) for m in _BEARER.finditer(text)]
    found += [Redaction("high_entropy", *m.span()) for m in _PREFIXED_HEX.finditer(text)
              if not re.match(r"(?i)sha|md5|blake|crc|commit|rev", m.group())]
    for m in _RUN.finditer(text):
        if looks_random(m.group(), scrubber.entropy, scrubber.base64_entropy_bits):
            found.append(Redaction("high_entropy", *m.span()))
    for word in _URL_WORD.finditer(text):
        # In URLs '/' splits paths from ids; a token in a query string is still caught.
        for m in _URL_PART.finditer(word.group()):
            if looks_random(m.group(), scrubber.entropy, scrubber.base64_entropy_bits):
                found.append(Redaction("high_entropy", word.start() + m.start(), word.start() + m.end()))
    return found
