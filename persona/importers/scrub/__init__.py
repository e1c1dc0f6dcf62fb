"""Scrub secrets and PII out of message text before anything is written.

A model that memorizes its data repeats any secret left in it, so every message an importer
reads goes through `scrub` before pairing. Each finding becomes a typed placeholder
(`<EMAIL>`, `<PHONE>`, `<PASSWORD>`, `<SECRET>`, …) and is counted by kind for the summary.

Detectors, one module each, all returning spans over the original text:
- `keys`: private keys, vendor key shapes taken whole (`sk-ant-…`, `AIza…`, webhooks), the
  detect-secrets regex plugins, bearer tokens, and Shannon entropy for unlabelled tokens;
- `assignments`: `*PASS*`/`*SECRET*`/`*TOKEN*`/`*KEY*` names in env, YAML, JSON, INI/TOML and
  `.netrc` forms, and credentials in URLs (`words` holds the values that are no secret);
- `prose`: passwords and codes after cue words in several languages, and a bare reply to a
  message that asked for a password;
- `pii`: emails (also spelled out), cards (Luhn) with their expiry and CVV, IBANs (checksum), SSNs,
  IP addresses (private ones too, every IPv6 notation);
- `phones`: phonenumbers: possible numbers in international format, valid ones in national formats;
- `addresses`: street addresses of the common European and US shapes (best effort);
- `addresses_world`: the rest of the sentence after "address" in many languages, and Chinese,
  Japanese and Korean addresses;
- `ids`: document numbers after their cue (passport, licence, national ID), birth dates, MAC
  addresses, product keys and serial numbers;
- `national_ids`: personal ID numbers of many countries after their name (CPF, PESEL, DNI, BSN,
  Aadhaar, 주민등록번호…), and formatted ones whose python-stdnum checksum holds;
- `mnemonics`: wallet seed phrases, 12 or more BIP39 words of one language in a row;
- `safe`: digests, hashes, UUIDs and trace ids, which the soft detectors must leave alone.
Spans are merged before replacing, so overlapping detectors never leave a fragment behind.

    scrubber = make_scrubber(region="DE")
    scrub("mail me at ada@example.org", scrubber).text  # 'mail me at <EMAIL>'
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from . import addresses, addresses_world, assignments, ids, keys, mnemonics, national_ids, phones, pii, prose, safe
from .types import Redaction

PLACEHOLDERS = {
    "private_key": "<PRIVATE_KEY>",
    "password": "<PASSWORD>",
    "card": "<CARD>",
    "iban": "<IBAN>",
    "email": "<EMAIL>",
    "phone": "<PHONE>",
    "address": "<ADDRESS>",
    "ssn": "<SSN>",
    "ip": "<IP>",
    "id_number": "<ID>",
    "date_of_birth": "<DATE_OF_BIRTH>",
    "mac_address": "<MAC>",
}
"""Placeholder per kind; every other kind (tokens, keys, high entropy) becomes `<SECRET>`."""

SOFT_KINDS = {"high_entropy", "phone", "ssn", "ip", "address", "mac_address", "product_key"}
"""Findings by shape alone: dropped where they overlap a digest, hash, UUID or trace id."""

# When spans overlap, the most specific finding names the merged span.
_PRIORITY = ["private_key", "<plugin>", "password", "card", "iban", "ssn", "email", "high_entropy"]


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
    iban_is_valid: Callable[[str], bool]
    """stdnum.iban.is_valid."""
    luhn_is_valid: Callable[[str], bool]
    """stdnum.luhn.is_valid."""
    phone: phones.PhoneRules
    """phonenumbers, the region for numbers without a country code, and the regions tried next."""
    keep_private_ips: bool = False
    """Keep private and link-local addresses (10.x, 192.168.x, fe80::); by default every address goes."""
    base64_entropy_bits: float = 3.7
    """Entropy above which a mixed letter/digit token of 20+ characters is a secret."""


def make_scrubber(region: str | None = None, keep_private_ips: bool = False) -> Scrubber:
    """Build the detectors (imports detect-secrets, phonenumbers and stdnum here, not at import).

    `region` (ISO 3166 code, e.g. "DE") reads numbers written without a country code first;
    None takes it from the locale (see `phones.default_region`).
    """
    from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString
    from stdnum import iban, luhn

    return Scrubber(
        secret_patterns=keys.plugin_patterns(),
        entropy=Base64HighEntropyString().calculate_shannon_entropy,
        iban_is_valid=iban.is_valid,
        luhn_is_valid=luhn.is_valid,
        phone=phones.make_rules(region),
        keep_private_ips=keep_private_ips,
    )


def find_redactions(text: str, scrubber: Scrubber, asked: str = "") -> list[Redaction]:
    """Every finding in `text`, overlapping spans merged, in text order.

    `asked` is the message this one answers: when it asked for a password or code, a bare
    reply ("hunter2", "it's 4471") is the secret itself.
    """
    found = keys.find(text, scrubber)
    found += assignments.find(text)
    found += prose.find(text)
    found += prose.find_reply(text, asked)
    found += pii.find(text, scrubber)
    found += phones.find(text, scrubber.phone)
    found += addresses.find(text)
    found += addresses_world.find(text)
    found += ids.find(text)
    found += national_ids.find(text)
    found += mnemonics.find(text)
    kept = safe.drop_inside_safe(found, safe.spans(text), SOFT_KINDS)
    return _merge(kept)


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


def scrub(text: str, scrubber: Scrubber, asked: str = "") -> Scrubbed:
    """Replace every secret and piece of PII in `text` by its typed placeholder."""
    redactions = find_redactions(text, scrubber, asked)
    if not redactions:
        return Scrubbed(text)
    parts, cursor = [], 0
    for r in redactions:
        parts += [text[cursor:r.start], PLACEHOLDERS.get(r.kind, "<SECRET>")]
        cursor = r.end
    parts.append(text[cursor:])
    return Scrubbed("".join(parts), Counter(r.kind for r in redactions))


__all__ = ["PLACEHOLDERS", "Redaction", "Scrubbed", "Scrubber", "find_redactions", "make_scrubber", "scrub"]
