"""Identifiers of a person or their things, found after the word that names them.

    "passport no. X12345678"    "DL# D1234567"    "NI number QQ 12 34 56 C"    "DOB: 1987-03-14"
    "born 14/03/1987"           "MAC 00:1A:2B:3C:4D:5E"   "licence: ABCDE-FGHIJ-KLMNO-PQRST"   "VIN 1HGCM82633A004352"

Document numbers have no common shape, so the cue decides: a passport, licence, ID card, national
insurance or tax number cue, then a run of letters and digits with at least one digit. A date is
personal next to a birth cue only ("born", "DOB", "geboren"). MAC addresses and product keys
(five-character groups) are taken by shape, a VIN (17 characters, no I/O/Q) after its cue.
"""

from __future__ import annotations

import re

from .national_ids import VALUE
from .types import Redaction, trimmed

_DOCUMENT_CUE = (r"passport|reisepass|passeport|pasaporte|passaporto|paspoort|driver'?s?\s+licen[cs]e|driving\s+licen[cs]e"
                 r"|licen[cs]e\s+(?:no|number|#)|dl|führerschein|permis|id\s+card|identity\s+card|personalausweis"
                 r"|ausweis|national\s+id|nin|nino|ni\s+number|national\s+insurance|tax\s+id|tin|steuer-?id"
                 r"|bsn|dni|nie|nif|codice\s+fiscale|insee|social\s+insurance|sin|aadhaar|pan|member\s+id"
                 r"|policy\s+(?:no|number)|patient\s+id|mrn|vin")
_NUMBER_WORDS = r"(?:[ \t]*(?:no\.?|nr\.?|number|num|#|nummer|numéro|número|id)){0,2}"
_SEP = r"(?:[ \t]*(?:is|was|ist|est|es|è|:|=|-)?[ \t]*|[ \t]+)"
_DOCUMENT = re.compile(r"(?i)(?<![\w-])(?:my|her|his|the|your)?[ \t]*(?:" + _DOCUMENT_CUE + r")(?![\w-])" + _NUMBER_WORDS
                       + _SEP + VALUE)
_DATE = (r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}"
         r"|\d{1,2}(?:st|nd|rd|th)?\.?\s+[A-Za-zäéû]{3,9}\.?,?\s+\d{4}|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}")
_BIRTH = re.compile(r"(?i)(?<!\w)(?:born(?:\s+on)?|dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|birthday(?:\s+is)?"
                    r"|geboren(?:\s+am)?|geburtsdatum|né(?:e)?\s+le|date\s+de\s+naissance|nacid[oa]\s+el"
                    r"|fecha\s+de\s+nacimiento|nato\s+il|nata\s+il|geboortedatum)(?!\w)"
                    r"(?:[ \t]+(?:is|was|ist|on|am))?[ \t]*[:=]?[ \t]*(?P<value>" + _DATE + r")")
_MAC = re.compile(r"(?<![\w:.-])(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}"
                  r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w:.-])")
_PRODUCT_KEY = re.compile(r"(?<![\w-])[A-Z0-9]{4,6}(?:-[A-Z0-9]{4,6}){3,5}(?![\w-])")
_SERIAL = re.compile(r"(?i)(?<![\w-])(?:serial(?:\s+(?:no|number|#))?|s/n|sn|imei|licen[cs]e(?:\s+key)?|product\s+key"
                     r"|activation\s+key|key)\.?[ \t]*[:=#]?[ \t]*(?P<value>[A-Z0-9]{8,20}|[A-Z0-9]{4,6}(?:-[A-Z0-9]{4,6}){2,5})"
                     r"(?![\w-])")


def _has_digit_and_shape(value: str) -> bool:
    return any(c.isdigit() for c in value) and len(re.sub(r"[ -]", "", value)) >= 5


def find(text: str) -> list[Redaction]:
    """Document numbers after their cue, birth dates, MAC addresses, product keys and serials."""
    found = []
    for m in _DOCUMENT.finditer(text):
        start, end = trimmed(text, *m.span("value"))
        if _has_digit_and_shape(text[start:end]):
            found.append(Redaction("id_number", start, end))
    found += [Redaction("date_of_birth", *m.span("value")) for m in _BIRTH.finditer(text)]
    found += [Redaction("mac_address", *m.span()) for m in _MAC.finditer(text)]
    for m in _PRODUCT_KEY.finditer(text):
        if sum(c.isdigit() for c in m.group()) >= 2 and sum(c.isalpha() for c in m.group()) >= 2:
            found.append(Redaction("product_key", *m.span()))
    for m in _SERIAL.finditer(text):
        value = m.group("value")
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value) and value.upper() == value:
            found.append(Redaction("product_key", *m.span("value")))
    return found
