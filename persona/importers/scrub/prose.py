"""Passwords and codes written in prose, in several languages, and bare replies to a question.

    "the password is pancakes"    "Passwort ist X"    "le mot de passe est X"    "pw: X"
    "door code is 4721"           "CVV 123"            "passphrase: \"four words here\""
    Q: "what's the wifi password?"  A: "bluegoat77"   (the reply alone is the secret)

A cue word, then an optional short qualifier ("for the portal", "du wifi"), then a separator
(':', '=', 'is', 'ist', 'est', 'es', 'è', …, optionally "still"), then the value. A value that is
an ordinary word ('expired', 'the', 'required') is no secret; codes must be digits.
"""

from __future__ import annotations

import re

from .types import Redaction, trimmed
from .words import ACKNOWLEDGEMENTS, char_classes, is_ordinary_word, is_reference

_PASSWORD_CUES = (
    r"passwords?|passwort|kennwort|passwd|passphrase|passcode|pwd|pw|mot de passe|mdp|contraseña|contrasena"
    r"|clave|senha|wachtwoord|parola d'ordine|hasło|haslo|lösenord|losenord|salasana|adgangskode|heslo"
    r"|пароль|(?:wi-?fi|wlan|guest|network|router)\s+pass|(?:api|access|secret|private|license)[ _-]?key")
_CODE_CUES = (
    r"pin(?:[- ]?(?:code|nummer|number))?|cvv2?|cvc2?|csc|combination|combo|türcode|tuercode|torcode"
    r"|(?:door|gate|alarm|entry|access|lock|lockbox|safe|security|garage|building|keypad|front door|alarm system"
    r"|porte|portail|digicode|puerta|portone)\s?code|digicode|code (?:de la porte|d'accès|du portail)")
_QUALIFIER = (r"(?:[ \t]+(?:for|of|to|für|pour|para|per|voor|du|de|del|della|do|da|des)[ \t]+"
              r"(?:(?:the|my|our|your|le|la|l'|les|das|den|die|der|el|il|o|a|het|mon|ma)[ \t]+)?[\w.'-]+){0,2}")
_VERB = (r"(?:is|was|ist|war|est|es|è|é|er|är|on|jest|=|->|are)"
         r"(?:[ \t]+(?:still|now|just|currently|again|actually|simply|immer noch|noch|jetzt|toujours|maintenant"
         r"|todavía|ahora|ancora|ora|ainda|agora|nu|nog steeds))?")
_SEP = r"(?P<sep>[ \t]*(?::=|=>|[:=])[ \t]*|[ \t]+" + _VERB + r"[ \t]+(?:[:=][ \t]*)?|[ \t]+)"
_VALUE = r"(?P<value>\"[^\"\n]{1,100}\"|'[^'\n]{1,100}'|“[^”\n]{1,100}”|`[^`\n]{1,100}`|[^\s\"'`]+)"
_CUE_PASSWORD = re.compile(r"(?i)(?<!\w)(?P<cue>" + _PASSWORD_CUES + r")(?!\w)" + _QUALIFIER + _SEP + _VALUE)
_CUE_CODE = re.compile(r"(?i)(?<![\w-])(?P<cue>" + _CODE_CUES + r")(?![\w-])" + _QUALIFIER + _SEP
                       + r"(?:(?:number|nummer|code|#)[ \t]*)?(?P<value>\d[\d \-]{1,10}\d|\d{3,12})(?![\w.,]\d)")
_BARE_CODE = re.compile(r"(?i)(?<!\w)(?P<cue>code|código|codigo|codice|kode|kod)(?!\w)" + _QUALIFIER + _SEP
                        + r"(?P<value>\d{4,8})(?![\w.,]\d)")
_NOT_A_SECRET_CODE = re.compile(r"(?i)\b(?:error|status|exit|http|response|return|zip|postal|post|area|country|promo"
                                r"|discount|coupon|source|tracking|product|item|sku|error|fehler|erreur|dial|iso"
                                r"|country|bar|qr|op|machine|byte|char|unicode|ascii|color|colour|hex)\W{0,3}$")
_CURL_USER = re.compile(r"(?:^|\s)(?:-u|--user)\s+[\"']?[^\s:'\"]+:(?P<value>[^\s'\"]+)")
_LOGIN_PAIR = re.compile(r"(?i)\b(?:login|credentials|creds|user(?:name)?\s*/\s*pass(?:word)?)\b[^\n]{0,40}?"
                         r"(?:\bis\b|\bare\b|:)\s*[^\s/]+\s*/\s*(?P<value>[^\s/]+)")
_ASKS_FOR_SECRET = re.compile(r"(?i)(?<!\w)(?:" + _PASSWORD_CUES + "|" + _CODE_CUES +
                              r"|code|wi-?fi|wlan|pin|passwort)(?!\w)")
_REPLY_LEAD = re.compile(r"(?i)^(?:it'?s|its|is|it is|es ist|ist|c'est|es|è|try|use|here:?|sure,?|ok,?)\s+")
_SPACED_CUES = re.compile(r"(?i)passphrase|mot de passe")


def _value_span(m: re.Match, text: str) -> tuple[int, int]:
    start, end = m.span("value")
    if text[start] in "\"'“`":
        return start + 1, end - 1
    if _SPACED_CUES.search(m.group("cue")):
        # An unquoted passphrase runs to the end of its clause.
        clause = re.match(r"[^\n.;,!?()]{1,100}", text[start:])
        end = start + len(clause.group().rstrip()) if clause else end
    return trimmed(text, start, end)


def _password_value_ok(value: str, sep: str, cue: str) -> bool:
    if len(value) < 3 or is_reference(value) or is_ordinary_word(value):
        return False
    strong = char_classes(value) >= 2 and not value.isalpha()
    if re.search(r"key$", cue, re.I):
        return len(value) >= 12 and strong
    if not sep.strip():
        # Only a space between cue and value ("password reset"): the value must look like one.
        return strong and any(c.isdigit() for c in value)
    return True


def find(text: str) -> list[Redaction]:
    """Passwords and codes after cue words, and `login is user / password` pairs."""
    found = []
    for m in _CUE_PASSWORD.finditer(text):
        start, end = _value_span(m, text)
        if end > start and _password_value_ok(text[start:end], m.group("sep"), m.group("cue")):
            found.append(Redaction("password", start, end))
    for m in _CUE_CODE.finditer(text):
        found.append(Redaction("password", *m.span("value")))
    for m in _BARE_CODE.finditer(text):
        if not _NOT_A_SECRET_CODE.search(text, max(0, m.start() - 20), m.start()):
            found.append(Redaction("password", *m.span("value")))
    found += [Redaction("password", *m.span("value")) for m in _CURL_USER.finditer(text)]
    for m in _LOGIN_PAIR.finditer(text):
        start, end = trimmed(text, *m.span("value"))
        if end - start >= 3 and not is_ordinary_word(text[start:end]):
            found.append(Redaction("password", start, end))
    return found


def asks_for_secret(question: str) -> bool:
    """A question about a password, PIN or code ('what's the wifi password?')."""
    return "?" in question and bool(_ASKS_FOR_SECRET.search(question))


def find_reply(text: str, asked: str) -> list[Redaction]:
    """The secret in a short reply to a question that asked for one ('hunter2', "it's 4471")."""
    if not asked or not asks_for_secret(asked):
        return []
    stripped = text.strip()
    if not stripped or "\n" in stripped or len(stripped) > 80:
        return []
    offset = text.index(stripped)
    lead = _REPLY_LEAD.match(stripped)
    rest = stripped[lead.end():] if lead else stripped
    words = rest.split()
    if not words or len(words) > 3:
        return []
    first = words[0]
    start = offset + (lead.end() if lead else 0)
    start, end = trimmed(text, start, start + len(first))
    value = text[start:end]
    if len(value) < 3 or value.lower() in ACKNOWLEDGEMENTS or is_ordinary_word(value) or value.startswith("@"):
        return []
    if len(words) > 1 and char_classes(value) < 2 and not value.isdigit():
        return []
    return [Redaction("password", start, end)]
