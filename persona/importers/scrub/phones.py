"""Phone numbers, international and national, checked by phonenumbers' metadata.

A candidate is a run of 7-15 digits with the separators people write (spaces, '-', '.', '/',
parentheses). It is a phone number when it is
- possible after a `+` and its country code (`+49 30 …`, `+44 7700 900482`): a number in a new or
  reserved range is still someone's, so the length for its country is enough (`0049 …`: valid);
and otherwise when it is valid
- in `region` (from `--region`, else the locale, else US), grouped or 10+ digits long;
- in national format with a trunk prefix or area code in parentheses (`030 …`, `06 12 …`,
  `(02) 9876 5432`, `090-1234-5678`) for any of `OTHER_REGIONS`;
- grouped like a phone number (`612 345 678`) in one of `OTHER_REGIONS`, or right after a cue
  word ('call', 'mobile', 'Tel.', 'numéro', …).
Bare digit runs (build numbers, timestamps), dates, versions and ISBNs stay.
"""

from __future__ import annotations

import locale
import os
import re
from dataclasses import dataclass
from typing import Callable

from .types import Redaction

OTHER_REGIONS = ("US", "GB", "DE", "FR", "IN", "JP", "AU", "ES", "IT", "NL", "BR", "CA", "MX", "CH", "AT",
                 "BE", "IE", "PL", "SE", "PT", "DK", "NO", "FI", "NZ", "ZA", "SG", "KR", "CN")
"""Regions tried, after `region`, for numbers written without a country code."""
FALLBACK_REGION = "US"
"""Region when neither --region nor the locale names one (e.g. LANG=C.UTF-8)."""

_CANDIDATE = re.compile(r"(?<![\w+/.:#,-])(?:\+|00)?\(?\d[\d \t().\-/]{5,22}\d(?![\w/]|[.,:-]\d)")
_DIGITS7 = re.compile(r"\d(?:[\s().+/-]*\d){6}")
_CUE = re.compile(r"(?i)\b(?:call|phone|tel|telephone|mobile|cell|number|num|text|sms|whatsapp|signal|fax|ring"
                  r"|reach me|anrufen|ruf|handy|telefon|nummer|numéro|numero|portable|móvil|movil|teléfono"
                  r"|telefono|cellulare|celular|llama|appelle|電話)\b")
_NOT_A_PHONE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$|^97[89]-")
_DOUBLE_SEPARATOR = re.compile(r"[.\-/]{2}|\.\s|\s\.|\)\(")
_VERSION_BEFORE = re.compile(r"(?i)(?:\bv|version|release|build|isbn|ver\.?)\s*$")


@dataclass(frozen=True)
class PhoneRules:
    """phonenumbers' parser and validator, and the regions to read national numbers in."""

    parse: Callable
    """phonenumbers.parse."""
    is_valid: Callable
    """phonenumbers.is_valid_number."""
    region: str
    """Region read first for a number without a country code (ISO 3166, e.g. 'DE')."""
    other_regions: tuple = OTHER_REGIONS
    """Regions tried next, for national formats."""
    is_possible: Callable | None = None
    """phonenumbers.is_possible_number, for numbers written with their country code (None: valid ones only)."""


def default_region() -> str:
    """The region of the locale (LC_ALL, LC_TELEPHONE, LANG, then Python's locale), else FALLBACK_REGION."""
    names = [os.environ.get(var, "") for var in ("LC_ALL", "LC_TELEPHONE", "LANG")]
    try:
        names.append(locale.getlocale()[0] or "")
    except ValueError:
        pass
    for name in names:
        m = re.match(r"^[a-z]{2,3}[_-]([A-Z]{2})\b", name)
        if m:
            return m.group(1)
    return FALLBACK_REGION


def make_rules(region: str | None = None) -> PhoneRules:
    """Rules for `region` (None: the locale's); ValueError for a region phonenumbers does not know."""
    import phonenumbers

    region = (region or default_region()).upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"region {region!r} is not an ISO 3166 country code phonenumbers knows (e.g. US, DE, FR)")
    return PhoneRules(phonenumbers.parse, phonenumbers.is_valid_number, region,
                      tuple(r for r in OTHER_REGIONS if r != region), phonenumbers.is_possible_number)


def _valid_in(number: str, regions, rules: PhoneRules, check: Callable | None = None) -> bool:
    for region in regions:
        try:
            if (check or rules.is_valid)(rules.parse(number, region)):
                return True
        except Exception:  # phonenumbers.NumberParseException: not a number in that region
            continue
    return False


def is_phone(number: str, rules: PhoneRules, cue: bool) -> bool:
    """The rule of the module docstring for one candidate."""
    digits = re.sub(r"\D", "", number)
    if not 7 <= len(digits) <= 15 or _NOT_A_PHONE.search(number.lstrip("(")) or _DOUBLE_SEPARATOR.search(number):
        return False
    if number.startswith(("+", "00")):
        if number.startswith("00"):  # "00…" is as often an id as a dialling prefix: valid numbers only
            return _valid_in("+" + digits[2:], [None], rules)
        return _valid_in(number, [None], rules, rules.is_possible)
    grouped = re.search(r"[ ().\-/]", number) is not None
    dotted = "." in number
    national = number.startswith(("0", "("))
    if (grouped and not dotted or len(digits) >= 10 or cue) and _valid_in(number, [rules.region], rules):
        return True
    if national and (grouped or len(digits) >= 10) and _valid_in(number, rules.other_regions, rules):
        return True
    phone_grouping = grouped and not dotted and len(digits) >= 9 and \
        all(len(g) >= 2 for g in re.findall(r"\d+", number))
    return (phone_grouping or cue) and _valid_in(number, rules.other_regions, rules)


def find(text: str, rules: PhoneRules) -> list[Redaction]:
    """Phone numbers in `text`, by the rule of the module docstring."""
    if not _DIGITS7.search(text):
        return []
    found = []
    for m in _CANDIDATE.finditer(text):
        number = m.group().strip()
        if "\n" in number or "  " in number or _VERSION_BEFORE.search(text, max(0, m.start() - 10), m.start()):
            continue
        cue = _CUE.search(text, max(0, m.start() - 30), m.start()) is not None
        if is_phone(number, rules, cue):
            found.append(Redaction("phone", m.start(), m.start() + len(number)))
    return found
