"""Personal data with a checkable shape: emails (also spelled out), cards, IBANs, SSNs, IPs.

Cards pass Luhn, IBANs their mod-97 checksum (in any case, spaced or not), SSNs the SSA's
rules (no 000/666/9xx area, 00 group or 0000 serial; with spaces only next to a cue word).
IP addresses go, private ranges too (10.x, 192.168.x, fd00::/8: internal topology is personal
to a workplace), in every IPv6 notation (compressed, full, IPv4-mapped, zone id, bracketed);
`keep_private_ips` keeps the private ones. Loopback and unspecified addresses name no machine and stay.
A card takes the expiry date and CVV written right after it ("exp 12/27, cvv 737").
Spelled-out emails ("ada at example dot com", "ada[at]example.org") count when the 'at' is
bracketed, or the domain is written with 'dot', or the local part looks like an address.
"""

from __future__ import annotations

import ipaddress
import re

from .types import Redaction

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_AT = r"(?:\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+)"
_DOT = r"(?:\s*[\[({<]\s*(?:dot|\.)\s*[\])}>]\s*|\s+dot\s+|\.)"
_SPELLED_EMAIL = re.compile(
    r"(?i)(?<![\w.+-])(?P<user>[\w.+-]+(?:\s+dot\s+[\w+-]+)*)(?P<at>" + _AT + r")(?P<domain>[A-Za-z0-9-]+(?:" + _DOT + r"[A-Za-z0-9-]+)*"
    + _DOT + r"(?P<tld>[A-Za-z]{2,12}))(?![\w@])")
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
_CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|6011|65|35|30[0-5]|36|38)")
_IBAN = re.compile(r"(?i)\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}")
_SSN = re.compile(r"(?<![\d-])(?!000|666|9\d\d)(?P<area>\d{3})(?P<sep>[- ])(?!00)\d{2}(?P=sep)(?!0000)\d{4}(?![\d-])")
_SSN_CUE = re.compile(r"(?i)\b(?:ssn|social(?: security)?(?: number| no\.?)?|ss#|sozialversicherungsnummer|tin)\b")
_IPV4 = re.compile(r"(?<![\w.:-])(?:\d{1,3}\.){3}\d{1,3}(?![\w-]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:.-])(?:[0-9a-fA-F]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9a-fA-F]{1,4})?"
                   r"(?:%[\w.-]+)?(?![\w:-]|\.\w)")
_CARD_TAIL = re.compile(r"(?i)[^\n\d]{0,24}?(?:(?P<date>(?:0[1-9]|1[0-2])\s?[/-]\s?(?:\d{4}|\d{2}))(?!\d)"
                        r"|(?<!\d)(?P<code>\d{3,4})(?![\d/.,:]\d|\d))")
_IP_CUE = re.compile(r"(?i)\b(?:ip|ips|ipv4|ssh|server|host|ping|address|dns|vpn|router|gateway)\b|@\s*$")
_VERSION_CUE = re.compile(r"(?i)(?:\bv|version|release|build|ver\.?|chrome|firefox|safari|edge|node|python)\s*$")


def _spelled_is_email(m: re.Match) -> bool:
    bracketed = "[" in m.group("at") or "(" in m.group("at") or "{" in m.group("at") or "<" in m.group("at")
    dotted = re.search(r"(?i)\bdot\b|[\[({<]", m.group("domain")) is not None
    user = m.group("user")
    address_like = bool(re.search(r"[._+\d]", user)) and re.search(r"[A-Za-z]", user) is not None
    return bracketed or dotted or address_like


def find_emails(text: str) -> list[Redaction]:
    """Addresses as written, and spelled out to dodge harvesters."""
    found = [Redaction("email", *m.span()) for m in _EMAIL.finditer(text)]
    if " at " in text.lower() or "at]" in text.lower() or "at)" in text.lower() or "at}" in text.lower():
        found += [Redaction("email", *m.span()) for m in _SPELLED_EMAIL.finditer(text) if _spelled_is_email(m)]
    return found


def find_cards(text: str, luhn_is_valid) -> list[Redaction]:
    """Cards that pass Luhn, and the expiry date and CVV written after one."""
    found = []
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and _CARD_PREFIX.match(digits) and luhn_is_valid(digits):
            found.append(Redaction("card", *m.span()))
            found += _card_tail(text, m.end())
    return found


def _card_tail(text: str, pos: int) -> list[Redaction]:
    """Up to two of expiry and CVV, each within a few words of the card or of each other."""
    found = []
    for _ in range(2):
        m = _CARD_TAIL.match(text, pos)
        if m is None:
            break
        found.append(Redaction("card", *m.span("date" if m.group("date") else "code")))
        pos = m.end()
    return found


def find_ibans(text: str, iban_is_valid) -> list[Redaction]:
    found = []
    for m in _IBAN.finditer(text):
        # The pattern may run into a following word; keep the longest prefix that validates.
        for end in range(m.end(), m.start() + 14, -1):
            if text[end - 1] != " " and iban_is_valid(text[m.start():end].upper()):
                found.append(Redaction("iban", m.start(), end))
                break
    return found


def find_ssns(text: str) -> list[Redaction]:
    found = []
    for m in _SSN.finditer(text):
        if m.group("sep") == " " and not _SSN_CUE.search(text, max(0, m.start() - 40), m.start()):
            continue
        found.append(Redaction("ssn", *m.span()))
    return found


def _ip_counts(address: str, keep_private: bool) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    ip = mapped or ip
    if ip.is_unspecified or ip.is_loopback:
        return False
    return not (keep_private and not ip.is_global)


def find_ips(text: str, keep_private: bool = False) -> list[Redaction]:
    found = []
    for m in _IPV4.finditer(text):
        if _VERSION_CUE.search(text, max(0, m.start() - 12), m.start()):
            continue
        single_digits = all(len(part) == 1 for part in m.group().split("."))
        if single_digits and not _IP_CUE.search(text, max(0, m.start() - 25), m.start()):
            continue  # "1.2.3.4" is a version far more often than an address
        if _ip_counts(m.group(), keep_private):
            found.append(Redaction("ip", *m.span()))
    if ":" in text:
        for m in _IPV6.finditer(text):
            value = m.group()
            groups = value.split("%")[0].count(":")
            if (groups >= 3 or re.search(r"[0-9]", value)) and _ip_counts(value, keep_private):
                found.append(Redaction("ip", *m.span()))
    return found


def find(text: str, scrubber) -> list[Redaction]:
    """Emails, cards, IBANs, SSNs and IPs in `text`."""
    return (find_emails(text) + find_cards(text, scrubber.luhn_is_valid) + find_ibans(text, scrubber.iban_is_valid)
            + find_ssns(text) + find_ips(text, scrubber.keep_private_ips))
