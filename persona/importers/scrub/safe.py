"""What looks random but is not a secret: digests, hashes, UUIDs and trace ids stay intact.

A hex run is how hashes are written (git SHAs, sha256 digests, md5 sums, trace and request
ids); an API key in hex is caught by its label instead (`api_key=…`, `token: …`), which the
assignment rules see before this module is asked. Subresource-integrity and docker digests
(`sha512-…`, `sha256:…`) are base64 or hex after their algorithm name.
"""

from __future__ import annotations

import re

from .types import Redaction

_SAFE = re.compile(
    r"\b(?:sha(?:1|224|256|384|512)|sha3-\d+|md5|blake2[bs]?|crc32)(?:[-:=]|: ?)[A-Za-z0-9+/=_-]{16,}"
    r"|\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
    r"|\b00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-3]\b"
    r"|(?<![A-Za-z0-9_+=-])(?:[0-9a-f]{7,128}|[0-9A-F]{7,128})(?![A-Za-z0-9_+=-])",
    re.I)


def spans(text: str) -> list[tuple[int, int]]:
    """Spans of digests, hashes, UUIDs and trace ids in `text`."""
    found = []
    for m in _SAFE.finditer(text):
        value = m.group()
        # A run of hex digits only (a phone number, a date) is no hash; a hash has letters.
        if re.fullmatch(r"[0-9]+", value):
            continue
        found.append(m.span())
    return found


def is_hex_hash(token: str) -> bool:
    """A run of hex digits with both letters and digits, as hashes and trace ids are written."""
    return bool(re.fullmatch(r"[0-9a-f]{7,128}|[0-9A-F]{7,128}", token)) and not token.isdigit() \
        and any(c.isdigit() for c in token)


def drop_inside_safe(found: list[Redaction], safe: list[tuple[int, int]], soft_kinds: set) -> list[Redaction]:
    """Findings of `soft_kinds` that overlap a safe span are dropped; the others stay."""
    if not safe:
        return found
    return [r for r in found
            if r.kind not in soft_kinds or not any(r.start < end and start < r.end for start, end in safe)]
