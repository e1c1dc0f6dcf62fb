"""Street addresses, best effort: the shapes of the US/UK, Germany, France, Spain, Italy, the Netherlands.

    742 Evergreen Terrace        221B Baker Street, London NW1 6XE      SW1A 1AA      891 elm st
    Lindenstr. 115               Hauptstraße 12, 10115 Berlin           Keizersgracht 123
    12 rue de la Paix, 75002 Paris    Calle Mayor 5, 28013 Madrid       Via Roma 10

Each shape is a house number next to a street word of its language; a following postcode and
town (", 75002 Paris", ", London NW1 6XE") is taken too. UK postcodes count on their own.
Measured, not guaranteed: see scripts/bench_scrub.py for the recall on the battery.
"""

from __future__ import annotations

import re

from .types import Redaction

_NAME = r"[A-ZÀ-Ý][\w'’.-]*"
_STREET_EN = (r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way|Terrace"
              r"|Square|Sq|Parkway|Pkwy|Highway|Hwy|Close|Crescent|Row|Gardens|Grove|Mews|Hill|Walk|Park")
_UK_POSTCODE = r"(?:GIR 0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})"
_CA_POSTCODE = r"[A-CEGHJ-NPR-TVXY]\d[A-CEGHJ-NPR-TV-Z] ?\d[A-CEGHJ-NPR-TV-Z]\d"
# Postcodes before the town: DE/FR/IT/ES 5 digits, AT/CH/DK/BE 4, PL 00-000, BR 00000-000, NL 1234 AB, SE/CZ 123 45.
_POSTCODE_FIRST = r"(?:[A-Z]{1,2}-)?(?:\d{5}-\d{3}|\d{2}-\d{3}|\d{4}\s?[A-Z]{2}(?=\s)|\d{3}\s\d{2}|\d{4,5})"
_TOWN_TAIL = (r"(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b\.?)?(?:,?\s*(?:Apt|Suite|Unit|Flat|#)\.?\s*\w+)?"
              r"(?:,\s*(?:" + _POSTCODE_FIRST + r"\s+)?[A-ZÀ-ÝĀ-ŽА-ЯΑ-Ω][\w'’-]+(?:\s[A-ZÀ-Ý][\w'’-]+)?"
              r"(?:,?\s*[A-Z]{2})?(?:\s+(?:\d{5}(?:-\d{4})?|" + _UK_POSTCODE + "|" + _CA_POSTCODE + r"))?)?")
_EN = r"\b\d{1,5}[A-Za-z]?\s+(?:" + _NAME + r"\s+){1,4}(?:" + _STREET_EN + r")\b\.?"
# Street word last, as one word or two ("Lindenhof", "Mariahilfer Straße"): German, Dutch, Nordic,
# Finnish, Hungarian, Turkish; the house number may carry a door ("45/3").
_DE_NL = (r"\b(?:[A-ZÄÖÜÅÆØ][\wäöüßåæø-]*(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|stieg"
          r"|pfad|markt|hof|feld|berg|straat|gracht|laan|plein|kade|singel|steeg|dijk|vej|gade|gatan|vägen|gata|väg"
          r"|katu|tie|vei|veien)|[A-ZÄÖÜ][\wäöüß-]*\s(?:Straße|Strasse|Gasse|Weg|Platz|Allee|Ring|Damm|Caddesi|Sokak"
          r"|Sokağı|utca|út))\s+\d{1,4}\s?[a-z]?(?:/\d{1,4})?\b")
_FR = (r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?i:rue|avenue|av\.|boulevard|bd|place|chemin|impasse|allée|quai"
       r"|cours|route|passage)\s+(?:(?:de|du|des|la|le|l'|d')\s*)*" + _NAME + r"(?:[\s-]+" + _NAME + r")*")
_ES_IT_PT = (r"\b(?:Calle|C/|Avenida|Avda\.|Av\.|Plaza|Paseo|Carrer|Camino|Via|Viale|Piazza|Corso|Largo|Rua|Travessa"
             r"|Avenida|ul\.|al\.|pl\.|ulica|aleja|ulice|náměstí|nám\.|Strada|Str\.|Calea|Bulevardul|Rruga|Odos|Οδός)\s+(?:(?:de|del|la|las|los|dei|della|delle|degli|di|do|da|dos|das)\s+)*" + _NAME
             + r"(?:\s+" + _NAME + r")*,?\s+(?:n[º°o]\.?\s*)?\d{1,4}[A-Za-z]?\b")
# Continental order, number after the street: "Baker Street 221B", "Rue de Rivoli 5".
_NUMBER_AFTER = (r"\b(?:" + _NAME + r"\s+){1,3}(?:" + _STREET_EN + r")\s+\d{1,4}[A-Za-z]?\b"
                 r"|\b(?i:rue|avenue|boulevard|place|chemin|quai)\s+(?:(?:de|du|des|la|le|l'|d')\s*)*" + _NAME
                 + r"(?:[\s-]+" + _NAME + r")*,?\s+\d{1,4}\b")
# US addresses as typed in chat: "891 elm st", "12 n. main st apt 4", "4417 w 3rd ave, springfield, il 62704".
# Lowercase names are any word but the ones that put a number before a street word in ordinary prose
# ("5 miles down the road", "a 2 hour drive", "3 hard drive").
_NOT_A_STREET_NAME = (r"(?:the|a|an|my|your|our|their|his|her|its|this|that|to|of|in|on|at|by|for|from|and|or|but|down"
                      r"|up|across|along|over|off|more|less|other|few|many|hour|hours|hr|hrs|minute|minutes|min|mins"
                      r"|day|days|week|weeks|month|months|year|years|mile|miles|km|block|blocks|lane|lanes|way|ways"
                      r"|hard|disk|usb|flash|thumb|external|network|shared|ssd|hdd|tb|gb|mb|test|cd|dvd|tape|c|d|x"
                      r"|times|people|cars|car|fast|slow|long|short|big|small|new|old|good|bad|tennis|basketball"
                      r"|dirt|toll|back|side|main street)")
_LOOSE_STREET = (r"street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|terrace|ter|parkway"
                 r"|pkwy|highway|hwy|circle|cir|trail|trl")
_US_LOOSE = (r"(?i:\b\d{1,5}[a-z]?\s+(?:(?:n|s|e|w|ne|nw|se|sw|north|south|east|west)\.?\s+)?"
             r"(?:(?!" + _NOT_A_STREET_NAME + r"\s)(?:[a-z][a-z'’-]*|\d{1,3}(?:st|nd|rd|th))\s+){1,3}"
             r"(?:" + _LOOSE_STREET + r")\b\.?"
             r"(?:,?\s*(?:apt|suite|ste|unit|#)\.?\s*#?\w+)?"
             r"(?:,\s*[a-z][a-z .'-]{1,30}?,?\s+[a-z]{2}\s+\d{5}(?:-\d{4})?)?)")
_ADDRESS = re.compile(r"(?:" + "|".join([_EN, _DE_NL, _FR, _ES_IT_PT, _NUMBER_AFTER]) + r")" + _TOWN_TAIL
                      + "|" + _US_LOOSE)
_POSTCODE_ALONE = re.compile(r"(?<![\w-])" + _UK_POSTCODE + r"(?![\w-])")
_POSTCODE_CUE = re.compile(r"(?i)(?:post\s?code|postal code|zip|address|live|at|in|to)\W{0,3}$")


def find(text: str) -> list[Redaction]:
    """Street addresses, and UK postcodes written on their own after a cue."""
    found = [Redaction("address", *m.span()) for m in _ADDRESS.finditer(text)]
    for m in _POSTCODE_ALONE.finditer(text):
        if " " in m.group() or _POSTCODE_CUE.search(text, max(0, m.start() - 20), m.start()):
            found.append(Redaction("address", *m.span()))
    return found
