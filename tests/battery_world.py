"""Tune-half families for the classes the first test-half reading missed: national ID numbers,
postal addresses outside the US/UK/DE/FR, wallet seed phrases, credentials in code calls.

    rows = FAMILIES["national_ids"](g)     # [(text with {v}, value), ...]
    lines = innocent_rows(g)               # [(kind, text), ...] near misses of the same classes

Their countries, languages and code forms are deliberately not the test half's (no CPF, PESEL,
personnummer, CURP, RUT or NIR; no Köln, Lyon or Tokyo address; no PHP define or PowerShell
SecureString), so the test half still measures shapes the rules were not written from.
ID numbers are random digits in their country's shape: people mistype, and a cue before a
number makes it personal whatever its checksum says.
"""

from __future__ import annotations

import random
import string

UPPER = string.ascii_uppercase


def _own(g, salt: str):
    """A generator of its own for each family and repeat, so adding these families leaves every
    value the older families draw from the shared generator as it was."""
    return type(g)(random.Random(f"{salt}:{g.n}"), n=g.n)


def _national_ids(g):
    g = _own(g, "_national_ids")
    d = g.digits
    dni = d(8)
    dni += "TRWAGMYFPDXBNJZSQVHLCKE"[int(dni) % 23]
    return [
        ("DNI: {v}", dni),
        ("mi NIE es {v}", f"X{d(7)}{g.rng.choice(UPPER)}"),
        ("codice fiscale {v}", f"{g.token(6, UPPER)}{d(2)}{g.rng.choice('ABCDEHLMPRST')}{d(2)}"
                               f"{g.rng.choice(UPPER)}{d(3)}{g.rng.choice(UPPER)}"),
        ("BSN {v}", d(9)),
        ("Steuer-ID: {v}", f"{d(2)} {d(3)} {d(3)} {d(3)}"),
        ("Aadhaar no. {v}", f"{g.rng.randint(2, 9)}{d(3)} {d(4)} {d(4)}"),
        ("my SIN is {v}", f"{d(3)} {d(3)} {d(3)}"),
        ("henkilötunnus {v}", f"{d(6)}-{d(3)}{g.rng.choice('ABCDEFHJKLMNPRSTUVWXY')}"),
        ("CPR-nummer: {v}", f"{d(6)}-{d(4)}"),
        ("TC kimlik no {v}", f"{g.rng.randint(1, 9)}{d(10)}"),
        ("CUIT {v}", f"20-{d(8)}-{d(1)}"),
        ("주민등록번호 {v}", f"{d(6)}-{g.rng.randint(1, 4)}{d(6)}"),
        ("身份证号 {v}", f"110101{g.rng.randint(1950, 2005)}0{g.rng.randint(1, 9)}1{d(1)}{d(3)}{g.rng.choice('0123456789X')}"),
        ("CNP {v}", f"{g.rng.randint(1, 6)}{d(12)}"),
        ("NHS number {v}", f"{d(3)} {d(3)} {d(4)}"),
        ("PPS no: {v}", f"{d(7)}{g.rng.choice(UPPER)}"),
    ]


def _addresses_intl(g):
    g = _own(g, "_addresses_intl")
    n, d = g.rng.randint(1, 180), g.digits
    return [
        ("adres: {v}", f"ul. Długa {n}, {d(2)}-{d(3)} Warszawa"),
        ("ons adres is {v}", f"Kerkstraat {n}, {d(4)} GC Amsterdam"),
        ("endereço: {v}", f"Rua Augusta {n}, {d(5)}-{d(3)} São Paulo"),
        ("ship to {v}", f"{n} Queen St W, Toronto ON M5V {g.rng.randint(1, 9)}T{g.rng.randint(1, 9)}"),
        ("地址：{v}", f"北京市朝阳区建国路{n}号"),
        ("送ってください {v}", f"大阪市北区梅田{g.rng.randint(1, 3)}-{n}-{g.rng.randint(1, 9)}"),
        ("dirección: {v}", f"Av. Corrientes {n}, C1043 Buenos Aires"),
        ("주소: {v}", f"서울특별시 강남구 테헤란로 {n}"),
        ("адрес: {v}", f"ул. Тверская, д. {n}, Москва"),
        ("wohne jetzt {v}", f"Bahnhofstrasse {n}, 8001 Zürich"),
        ("indirizzo: {v}", f"Corso Buenos Aires {n}, 20124 Milano"),
        ("Lieferadresse {v}", f"Mariahilfer Straße {n}/{g.rng.randint(1, 20)}, 1060 Wien"),
    ]


def bip39_words(language: str = "english") -> list[str]:
    from mnemonic import Mnemonic

    return Mnemonic(language).wordlist


ELECTRUM_LIKE = ["pancake", "marigold", "kettle", "otter", "lantern", "juniper", "biscuit", "harbor", "velvet",
                 "pepper", "meadow", "falcon", "cobalt", "saffron", "thistle", "walnut", "ember", "quartz"]
"""Words outside the BIP39 lists, as a wallet with a list of its own would give."""


def _mnemonics(g):
    g = _own(g, "_mnemonics")
    en, es = bip39_words(), bip39_words("spanish")
    phrase = lambda words, n: " ".join(g.rng.choice(words) for _ in range(n))  # noqa: E731
    numbered = " ".join(f"{i}. {g.rng.choice(en)}" for i in range(1, 13))
    return [
        ("recovery phrase is {v}", phrase(en, 24)),
        ("{v}", phrase(en, 12)),
        ("backup words:\n{v}", numbered),
        ("frase semilla: {v}", phrase(es, 12)),
        ("mnemonic = \"{v}\"", phrase(en, 18)),
        ("electrum seed words: {v}", phrase(ELECTRUM_LIKE, 12)),
    ]


def _code_credentials(g):
    g = _own(g, "_code_credentials")
    pw = g.password().replace("'", "x").replace('"', "x")
    key = g.token(32)
    return [
        ("os.Setenv(\"API_TOKEN\", \"{v}\")", key),
        ("System.setProperty(\"db.password\", \"{v}\");", pw),
        ("config.set('database', 'password', '{v}')", pw),
        ("ENV[\"SMTP_PASSWORD\"] = \"{v}\"", pw),
        ("var cred = new NetworkCredential(\"svc\", \"{v}\");", pw),
        ("$env:DB_PASSWORD = \"{v}\"", pw),
        ("<settings><server><password>{v}</password></server></settings>", pw),
        ("CREATE USER app IDENTIFIED BY '{v}';", pw),
        ("curl -u deploy:{v} https://ci.example.com/job/build", pw.replace("@", "x").replace(":", "x")),
        ("Set-ADAccountPassword -NewPassword {v} -Reset", pw.replace("$", "s")),
        ("#define WIFI_PASSWORD \"{v}\"", pw),
        ("redis-cli -h cache.internal -a {v} ping", pw.replace("$", "s")),
        ("net user deploy {v} /add", pw.replace("$", "s").replace("/", "x")),
        ("set -gx GITHUB_TOKEN {v}", key),
        ("\"client_secret\": \"{v}\",", key),
        ("\"private_key_id\": \"{v}\"", g.hexs(40)),
        ("putenv(\"MAIL_PASS={v}\");", pw),
    ]


FAMILIES = {"national_ids": _national_ids, "addresses_intl": _addresses_intl, "mnemonics": _mnemonics,
            "code_credentials": _code_credentials}
"""Family -> generator of (text with {v}, value) rows; all of them tune-half families."""


def innocent_rows(g) -> list[tuple[str, str]]:
    """Near misses of the classes above: numbers after ID-like words, words that are no phrase."""
    g = _own(g, "innocent")
    d, en = g.digits, bip39_words()
    return [
        ("id_near_miss", f"user ID {d(5)} opened ticket {d(6)}"),
        ("id_near_miss", f"order no. {d(9)} and invoice nr {d(7)}"),
        ("id_near_miss", f"EAN {d(13)} and SKU {g.token(3, UPPER)}-{d(4)}"),
        ("id_near_miss", f"the PAN card form takes {g.rng.randint(2, 9)} weeks"),
        ("id_near_miss", f"build {d(3)}.{d(3)}.{d(3)}-{d(2)} is on staging"),
        ("id_near_miss", f"batch {d(3)}.{d(3)}.{d(3)} shipped, lot {d(2)}.{d(3)}.{d(3)}-{d(1)} too"),
        ("address_near_miss", f"see section {g.rng.randint(2, 9)}, 2024 edition of the guide"),
        ("address_near_miss", "address the review comments before the release, please"),
        ("address_near_miss", f"email address: changed last week, IP address dynamic"),
        ("address_near_miss", f"Python {g.rng.randint(8, 13)}, {d(4)} Release Notes"),
        ("address_near_miss", f"return address 0x{g.hexs(8)} in the stack trace"),
        ("address_near_miss", f"Room {g.rng.randint(2, 9)}, Building {g.rng.randint(2, 9)} after lunch"),
        ("phrase_near_miss", " ".join(g.rng.sample(en, 6)) + " are the six words on the slide"),
        ("phrase_near_miss", "we need to buy apple banana butter bread cheese coffee milk salad sugar tomato "
                             "and onion for the weekend"),
        ("phrase_near_miss", "the mnemonic is a rhyme that helps you remember the planets"),
        ("code_near_miss", "os.Setenv(\"PASSWORD_MIN_LENGTH\", \"12\")"),
        ("code_near_miss", "config.set('auth', 'password_policy', 'strict')"),
        ("code_near_miss", "System.setProperty(\"db.password.file\", \"/run/secrets/db\");"),
        ("code_near_miss", "$env:DB_PASSWORD = $null"),
        ("code_near_miss", f"<max_tokens>{d(4)}</max_tokens> <password_policy>strict</password_policy>"),
        ("code_near_miss", "New-ADUser -AccountPassword $pw -Enabled $true"),
        ("code_near_miss", f"#define MAX_PASSWORD_LEN {g.rng.randint(16, 128)}"),
        ("code_near_miss", "net user deploy /delete and redis-cli -h cache.internal ping"),
        ("phrase_near_miss", "recovery phrase is something you should write down on paper and keep offline"),
        ("code_near_miss", "\"client_id\": \"acme-web\", \"token_uri\": \"https://oauth2.example.com/token\""),
    ]
