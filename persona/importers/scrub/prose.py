"""Passwords and codes written in prose, in several languages, and bare replies to a question.

    "the password is pancakes"    "Passwort ist X"    "le mot de passe est X"    "pw: X"
    "door code is 4721"           "CVV 123"            "passphrase: \"four words here\""
    Q: "what's the wifi password?"  A: "bluegoat77"   (the reply alone is the secret, also when the
    question came a few messages earlier in the thread)

A cue word, then an optional short qualifier ("for the portal", "du wifi"), then a separator
(':', '=', 'is', 'ist', 'est', 'es', 'è', …, optionally "still"), then the value. A value that is
an ordinary word ('expired', 'the', 'required') is no secret; codes must be digits.
"""

from __future__ import annotations

import re

from .safe import is_hex_hash
from .types import Redaction, trimmed
from .words import ACKNOWLEDGEMENTS, char_classes, is_ordinary_word, is_reference

_PASSWORD_CUES = (
    r"[\w-]*?(?:passwords?|passwort|kennwort|wachtwoord|passphrase|passcode)|passwd|pass(?:\s?word|w|wd)?|pwd|pw|pword"
    r"|pswd|psw|pwrd|p/w|ww|mot de passe|mdp|contraseña|contrasena"
    r"|clave|senha|wachtwoord|parola d'ordine|hasło|haslo|lösenord|losenord|salasana|adgangskode|heslo"
    r"|пароль|(?:wi-?fi|wlan|guest|network|router)\s+pass|(?:api|access|secret|private|license)[ _-]?key|key")
_CODE_CUES = (
    r"pin(?:[- ]?(?:code|nummer|number))?|cvv2?(?:/cvc2?)?|cvc2?|csc|cid|card verification (?:value|code)"
    r"|security (?:number|digits)|combination|combo|türcode|tuercode|torcode"
    r"|(?:door|gate|alarm|entry|access|lock|lockbox|safe|security|garage|building|keypad|front door|alarm system"
    r"|porte|portail|digicode|puerta|portone)\s?code|digicode|code (?:de la porte|d'accès|du portail)"
    r"|(?:one[- ]time|otp|2fa|mfa|totp|sms|verification|login|auth|backup|recovery)\s?(?:code|pin)s?|otp|tan")
_QUALIFIER = (r"(?:[ \t]+(?:for|of|to|on|für|fürs|zum|zur|vom|von|pour|para|per|voor|van|bij|du|de|del|della|dello"
              r"|di|do|da|des|dei|al|au)[ \t]+(?:(?:the|my|our|your|le|la|l'|les|das|den|die|der|dem|el|il|lo|o|a|het"
              r"|de|mon|ma|mijn|mein|meinen|meine|mio|mia|il mio|la mia)[ \t]+)?[\w.'-]+){0,2}")
_VERB = (r"(?:is|was|ist|war|est|es|è|e'|é|er|är|on|jest|=|->|are|lautet|heißt|heisst|luidt|c'est|sarà|blijft|bleibt)"
         r"(?:[ \t]+(?:still|now|just|currently|again|actually|simply|immer noch|noch|jetzt|toujours|maintenant"
         r"|todavía|ahora|ancora|ora|ainda|agora|nu|nog steeds))?")
_SEP = r"(?P<sep>[ \t]*(?::=|=>|[:=])[ \t]*|[ \t]+" + _VERB + r"(?:[ \t]*[:=])?[ \t]+|[ \t]+)"
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
_ASKS_FOR_PASSWORD = re.compile(r"(?i)(?<!\w)(?:" + _PASSWORD_CUES.replace("|key", "") + "|" + _CODE_CUES + r")(?!\w)")
_CUE_RECOVERY = re.compile(r"(?i)(?<!\w)(?:recovery|backup|one[- ]time|otp|2fa|mfa|verification)\s?codes?" + _SEP
                           + r"(?P<value>[A-Z0-9]{4,}(?:[- ][A-Z0-9]{4,}){0,7})(?![\w-])")
_ASK_STEMS = ("pass", "pw", "psw", "pwd", "p/w", "ww", "wort", "mdp", "mot de", "contrase", "clave", "senha", "parola",
              "hasł", "hasl", "sen", "salasana", "kode", "heslo", "пароль", "key", "pin", "code", "cvv", "cvc", "csc",
              "cid", "verification", "security", "combin", "combo", "otp", "tan", "wi", "wlan", "kod", "códi", "codi",
              "codice", "digicode", "lösenord", "losenord")
_REPLY_LEAD = re.compile(r"(?i)^(?:it'?s|its|is|it is|es ist|ist|c'est|es|è|try|use|here:?|sure,?|ok,?)\s+")
_SPACED_CUES = re.compile(r"(?i)passphrase|mot de passe")


def _value_span(m: re.Match, text: str) -> tuple[int, int]:
    start, end = m.span("value")
    if text[start] in "\"'“`":
        return start + 1, end - 1
    if _SPACED_CUES.search(m.group("cue")):
        # An unquoted passphrase runs to the end of its clause.
        clause = re.match(r"(?:[^\s.;,!?()]|[.;,!?](?=[^\s.;,!?])|[ \t](?=\S)){1,100}", text[start:])
        end = start + len(clause.group().rstrip()) if clause else end
    return trimmed(text, start, end)


def _password_value_ok(value: str, sep: str, cue: str) -> bool:
    if len(value) < 3 or is_reference(value) or is_ordinary_word(value):
        return False
    strong = char_classes(value) >= 2 and not value.isalpha()
    if re.search(r"key$", cue, re.I):
        # "cache key is user:42:profile", "key path a/b/c": a name made of segments, not a secret
        named = re.fullmatch(r"[\w-]+(?:[:/.][\w-]+)+", value) and len(re.findall(r"[a-z]{3,}", value)) >= 2
        return len(value) >= 12 and strong and not named
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
    found += [Redaction("password", *m.span("value")) for m in _CUE_RECOVERY.finditer(text)
              if any(c.isdigit() for c in m.group("value"))]
    for m in _LOGIN_PAIR.finditer(text):
        start, end = trimmed(text, *m.span("value"))
        if end - start >= 3 and not is_ordinary_word(text[start:end]):
            found.append(Redaction("password", start, end))
    return found


def asks_for_secret(question: str) -> bool:
    """A question about a password, PIN or code ('what's the wifi password?'), or a request for a
    password without the question mark ('need the wifi pw')."""
    lowered = question.lower()
    if not any(stem in lowered for stem in _ASK_STEMS):  # the cue regexes are slow; most messages lack them all
        return False
    if "?" in question:
        return bool(_ASKS_FOR_SECRET.search(question))
    return bool(_ASKS_FOR_PASSWORD.search(question))


def find_reply(text: str, asked: str) -> list[Redaction]:
    """The secret in a short reply to messages that asked for one ('hunter2', "it's 4471 (new one)").

    `asked` holds the previous messages of the thread by others. Tokens with a digit or a symbol
    and a letter are taken; a lone word ('pancakes') only when it is the whole reply.
    """
    if not asked or not asks_for_secret(asked):
        return []
    stripped = text.strip()
    if not stripped or "\n" in stripped or len(stripped) > 120:
        return []
    offset = text.index(stripped)
    lead = _REPLY_LEAD.match(stripped)
    start = offset + (lead.end() if lead else 0)
    tokens = [(start + m.start(), start + m.end()) for m in re.finditer(r"\S+", text[start:offset + len(stripped)])]
    found = []
    for token_start, token_end in tokens:
        token_start, token_end = trimmed(text, token_start, token_end, ".,;:!?)]}>\"'`“”")
        while token_start < token_end and text[token_start] in "\"'`“(":
            token_start += 1
        value = text[token_start:token_end]
        if len(value) < 3 or value.lower() in ACKNOWLEDGEMENTS or is_ordinary_word(value) or value.startswith("@") \
                or "://" in value or is_hex_hash(value):
            continue
        if len(tokens) == 1 or value.isdigit() or char_classes(value) >= 2 and not value.isalpha():
            found.append(Redaction("password", token_start, token_end))
    return found
