"""National and personal ID numbers: after the word that names them, or in a shape strict enough alone.

    "CPF: 123.456.789-09"   "mein PESEL ist 44051401359"   "DNI 12345678Z"   "BSN 111222333"
    "codice fiscale RSSMRA85T10A562S"   "주민등록번호 900101-1234567"   "身份证号 11010119900307…"

A cue (the ID's own name, in its country's language: CPF, PESEL, personnummer, henkilötunnus,
Steuer-ID, codice fiscale, Aadhaar, CURP, RUT, NIR, 주민등록번호, 身份证…) makes the number after it
personal whatever its checksum says: people mistype, and a wrong number is still theirs. Without a
cue, only the formatted shapes of a few IDs count, and only when python-stdnum's validator accepts
them (a checksum accepts about one random number in ten, so a bare run of digits is never enough).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .types import Redaction

_CUES_LATIN = (
    r"cpf|cnpj|rg|pesel|nip|regon|personnummer|personnr|personal\s+(?:id|identity|identification|number|code)"
    r"|person(?:al)?\s*(?:id|number)|national\s+(?:id|identity|identification|insurance)(?:\s+(?:number|card))?"
    r"|id\s+(?:number|no|card\s+number)|identity\s+(?:number|card)|identification\s+number|citizen\s+id"
    r"|fødselsnummer|personnummeret|cpr|henkilötunnus|hetu|isikukood|asmens\s+kodas|personas\s+kods|kennitala"
    r"|rodné\s+číslo|rodne\s+cislo|emšo|emso|jmbg|oib|egn|cnp|amka|tc\s+kimlik(?:\s+no)?|kimlik\s+no"
    r"|curp|rfc|rut|cuit|cuil|dni|nie|nif|nss|cédula|cedula|documento\s+de\s+identidad|número\s+de\s+identidad"
    r"|bsn|burgerservicenummer|sofinummer|nir|insee|(?:numéro\s+de\s+)?sécurité\s+sociale|carte\s+vitale"
    r"|codice\s+fiscale|tessera\s+sanitaria|steuer-?id|steueridentifikationsnummer|steuernummer"
    r"|sozialversicherungsnummer|svnr|sv-nummer|ahv(?:-nr)?|avs|personalausweis(?:nummer)?|ausweisnummer"
    r"|aadhaar|aadhar|pan|sin|nino|nhs\s+number|medicare|ssn|social\s+security(?:\s+number)?|tfn|ird"
    r"|nric|mykad|hkid|teudat\s+zehut|id\s+no|resident\s+registration\s+number|my\s+number|itin|pps|bvn|cnic"
    r"|nik|ktp|emirates\s+id|iqama|rijksregisternummer|numéro\s+national|niss|permanent\s+account\s+number"
    r"|voter\s+id|αφμ|amka|codigo\s+fiscal|número\s+de\s+contribuinte|nuit|personal\s+code")
_CUES_CJK = r"주민등록번호|외국인등록번호|身份证号码|身份证|身分證|マイナンバー|個人番号|住民票コード|ИНН|СНИЛС|паспорт"
_NUMBER_WORD = (r"(?:no\.?|nr\.?|n[º°o]\.?|number|num\.?|numer|nummer|numero|número|numéro|#|id|card|kaart|号码|号|번호"
                r"|is|was|ist|es|est|è|é|är|er|on|jest|je|:|：|=|-)")
_GROUP = r"(?:[A-Za-z]{0,16}\d[A-Za-z0-9]*|[A-Z]{1,2}(?![a-z]))"
VALUE = r"(?P<value>(?=[A-Za-z]{0,16}[ .-]?\d)" + _GROUP + r"(?:[ .\-/]" + _GROUP + r"){0,7})(?![\w])"
"""An ID number: groups of letters and digits split by spaces, dots, dashes or slashes, the first with a digit."""
_CUED = re.compile(r"(?:(?i:(?<![\w-])(?:" + _CUES_LATIN + r")(?![\w]))|(?:" + _CUES_CJK + r"))"
                   r"(?:[ \t]*[-]?" + _NUMBER_WORD + r"){0,3}[ \t]*" + VALUE)
_MIN_DIGITS = 6

# (shape, stdnum module): formatted IDs that are personal on their own once their checksum holds.
_STRICT = [
    (r"\d{3}\.\d{3}\.\d{3}-\d{2}", "br.cpf"), (r"\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}", "br.cnpj"),
    (r"\d{1,2}\.\d{3}\.\d{3}-[\dkK]", "cl.rut"), (r"[A-Z]{4}\d{6}[HM][A-Z]{5}[A-Z\d]\d", "mx.curp"),
    (r"[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z]", "it.codicefiscale"), (r"\d{8}-?[A-Z]", "es.dni"),
    (r"[XYZ]-?\d{7}-?[A-Z]", "es.nie"), (r"[12] \d{2} \d{2} \d{2} \d{3} \d{3} \d{2}", "fr.nir"),
    (r"\d{6}[-+A]\d{3}[0-9A-Y]", "fi.hetu"), (r"\d{17}[\dX]", "cn.ric"), (r"\d{6}-\d{7}", "kr.rrn"),
    (r"[2-9]\d{3} \d{4} \d{4}", "in_.aadhaar"), (r"\d{6}[-+]\d{4}", "se.personnummer"),
]
_STRICT_SHAPE = re.compile("|".join(f"(?<![\\w.\\-/])(?P<s{i}>{shape})(?![\\w\\-/]|\\.\\d)"
                                    for i, (shape, _) in enumerate(_STRICT)))


@lru_cache(maxsize=None)
def _validator(name: str):
    import importlib

    return importlib.import_module(f"stdnum.{name}").is_valid


def find_cued(text: str) -> list[Redaction]:
    """A number of at least six digits after an ID's name."""
    found = []
    for m in _CUED.finditer(text):
        if sum(c.isdigit() for c in m.group("value")) >= _MIN_DIGITS:
            found.append(Redaction("id_number", *m.span("value")))
    return found


def find_strict(text: str) -> list[Redaction]:
    """Formatted IDs (a CPF's dots and dash, a NIR's spaces…) whose stdnum checksum holds."""
    found = []
    for m in _STRICT_SHAPE.finditer(text):
        index = int(m.lastgroup[1:])
        if _validator(_STRICT[index][1])(m.group()):
            found.append(Redaction("id_number", *m.span()))
    return found


def find(text: str) -> list[Redaction]:
    """Cued ID numbers and strict-shape ones with a valid checksum."""
    return find_cued(text) + find_strict(text)
