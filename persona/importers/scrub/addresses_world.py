"""Postal addresses beyond the street shapes of `addresses`: after the word "address" in many
languages, and the forms of East Asia.

    "Anschrift: Am Lindenhof 23, 55542 Köln"      "endereço: Rua Augusta 1500, 01304-001 São Paulo"
    "адрес: ул. Тверская, д. 7, Москва"           "住所: 〒150-0007 東京都渋谷区渋谷4-23-3"
    "地址：北京市朝阳区建国路88号"                  "주소: 서울특별시 강남구 테헤란로 152"

After an address cue and a colon (or "is", "ist", "es"…), the rest of the line up to the end of
the sentence (a full stop after a word, not after "ul." or "St.") is the address when it holds a number; a cue that names another kind of address
(email, IP, MAC, memory, return, web) is none. A Japanese postcode (〒) and the rest of its
address are taken on their own, and so are Chinese, Japanese and Korean addresses: a run of
province/city/district/street characters that ends in a house number.
"""

from __future__ import annotations

import re

from .types import Redaction, trimmed

_CUE = (r"(?:(?:home|postal|mailing|street|shipping|billing|delivery|postal|full|new|old|my|our)\s+)?address"
        r"|adresse|anschrift|lieferadresse|rechnungsadresse|wohnadresse|postadresse|wohnort|adres|adresa"
        r"|adress|adressi|dirección|direccion|domicilio|endereço|endereco|morada|indirizzo|residenza|osoite"
        r"|cím|lakcím|naslov|adresă|адрес|адреса|адреса|διεύθυνση|כתובת|عنوان|địa\s+chỉ|alamat|ที่อยู่|पता")
_CUE_CJK = r"住所|地址|住址|주소|所在地|送り先|届け先|收货地址|配送先"
_NOT_POSTAL = r"(?i:e-?mail|ip|mac|memory|return|web|wallet|server|base|bitcoin|ethereum|eth|btc|contract|url|link)"
_VALUE_SEP = r"(?:[ \t]*[:：][ \t]*|[ \t]+(?:is|was|ist|lautet|es|é|est|è|jest|je|är|er|on|is\s+now|ist\s+jetzt)[ \t]+)"
_CUED = re.compile(r"(?:(?<!\w)(?i:" + _CUE + r")(?!\w)|" + _CUE_CJK + r")" + _VALUE_SEP
                   + r"(?P<value>[^\n]{4,140}?)(?=(?<=[^\W\d_]{4})\.(?:\s|$)|[!?;](?:\s|$)|\n|$)")
_NOT_POSTAL_BEFORE = re.compile(_NOT_POSTAL + r"[\s-]*$")
_NOT_AN_ADDRESS = re.compile(r"(?i)^(?:0x|[\w.+-]+@|https?://|www\.|\d{1,3}(?:\.\d{1,3}){3}\b)|^[0-9a-f:]{6,}$")

_CJK = r"\u3005\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
_JP_POSTCODE = re.compile(r"〒[ \t]?\d{3}-?\d{4}(?:[ \t]*[" + _CJK + r"0-9０-９\-−ー－]+)?")
# Chinese/Japanese: 都道府県/省市 … 区市町村 … then digits (北京市朝阳区建国路88号, 東京都渋谷区渋谷4-23-3);
# Japanese without the prefecture, by its chome-ban-go numbers (渋谷区渋谷4-23-3);
# Korean: 시/도 … 구/군 … 로/길 then the building number (서울특별시 강남구 테헤란로 152).
_CJK_ADDRESS = re.compile(
    r"[" + _CJK + r"]{1,8}?(?:都|道|府|県|省|市|自治区)[" + _CJK + r"]{0,12}?(?:区|市|町|村|县|縣|郡)[" + _CJK
    + r"]{0,12}?[0-9０-９]+(?:[-−ー－の][0-9０-９]+)*(?:号|番地|番|丁目)?"
    r"|[" + _CJK + r"]{1,8}(?:区|市|町|村|郡)[" + _CJK + r"]{0,10}\d{1,4}[-−ー－]\d{1,4}(?:[-−ー－]\d{1,4})?"
    r"|[\uac00-\ud7af]{1,8}(?:특별시|광역시|특별자치시|도|시)\s+[\uac00-\ud7af]{1,8}(?:구|군|시)\s+"
    r"(?:[\uac00-\ud7af]{1,8}(?:동|읍|면)\s+)?[\uac00-\ud7af0-9]{1,12}(?:로|길)\s*\d{1,5}(?:-\d{1,5})?(?:번길\s*\d+)?")


def find_cued(text: str) -> list[Redaction]:
    """The rest of the sentence after an address cue, when it holds a number."""
    found = []
    for m in _CUED.finditer(text):
        value = m.group("value").strip()
        if _NOT_POSTAL_BEFORE.search(text, max(0, m.start() - 12), m.start()) or _NOT_AN_ADDRESS.match(value):
            continue
        if any(c.isdigit() for c in value):
            start = m.start("value") + len(m.group("value")) - len(m.group("value").lstrip())
            found.append(Redaction("address", *trimmed(text, start, m.end("value"))))
    return found


def find(text: str) -> list[Redaction]:
    """Cued addresses, Japanese postcodes with what follows, and CJK street addresses."""
    found = find_cued(text)
    found += [Redaction("address", *m.span()) for m in _JP_POSTCODE.finditer(text)]
    return found + [Redaction("address", *m.span()) for m in _CJK_ADDRESS.finditer(text)]
