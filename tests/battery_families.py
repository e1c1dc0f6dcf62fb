"""Shape families for the scrub battery taken from public rule sets, split into halves by *family*.

    rows = family_rows("test", seed)   # [(family, text with {v}, value, question, followup), ...]

The families follow gitleaks' rule ids (vault, databricks, grafana, new relic, postman, telegram,
azure storage…), CredData's categories (password in config and CLI, auth headers, seeds and salts,
cookies, private keys of wallets), and presidio-evaluator's templates (a card with its expiry and
CVV, IDs and dates of birth next to names, IPs, phones, addresses as people type them). A family's
shapes sit in one half only (FAMILY_HALF), so the test half holds families whose shapes the
scrubber was never tuned on. Every value is generated and invented.
"""

from __future__ import annotations

import string

from tests import battery_world

ALNUM = string.ascii_letters + string.digits
UPPER = string.ascii_uppercase + string.digits


def _vault_and_cloud(g):
    t = g.token
    return [
        ("the vault token is {v}", "hvs." + t(90, ALNUM + "_-")),
        ("databricks: {v}", "dapi" + g.hexs(32)),
        ("export PULUMI_ACCESS_TOKEN={v}", "pul-" + g.hexs(40)),
        ("grafana SA token {v}", "glsa_" + t(32) + "_" + g.hexs(8)),
        ("newrelic user key {v}", "NRAK-" + t(27, UPPER)),
        ("postman api: {v}", f"PMAK-{g.hexs(24)}-{g.hexs(34)}"),
    ]


def _chat_bots(g):
    t = g.token
    return [
        ("bot token {v}", f"{g.digits(10)}:AA{t(33, ALNUM + '_-')}"),
        ("mailchimp key {v}", f"{g.hexs(32)}-us{g.rng.randint(1, 20)}"),
        ("atlassian token: {v}", "ATATT3xFfGF0" + t(180, ALNUM + "_-=")),
        ("dynatrace {v}", f"dt0c01.{t(24, UPPER)}.{t(64, UPPER)}", "dt0c01."),
        ("the doppler token is {v}", "dp.pt." + t(43)),
        ("shopify custom app {v}", "shpca_" + g.hexs(32)),
    ]


def _cloud_sdk(g):
    b64 = ALNUM + "+/"
    return [
        ("conn string DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={v};EndpointSuffix=core.windows.net",
         g.token(86, b64) + "=="),
        ("aws configure set aws_secret_access_key {v}", g.token(40, b64)),
        ("gcloud json has \"private_key_id\": \"{v}\"", g.hexs(40)),
        ("az login --service-principal -u app -p {v} --tenant acme", g.token(34, ALNUM + "~._-")),
        ("SAS url https://acme.blob.core.windows.net/c?sv=2022-11-02&sig={v}&se=2025-01-01", g.token(43, ALNUM) + "%3D"),
    ]


def _cli_and_config(g):
    pw = g.password()
    return [
        ("mysql -u root -p{v} shop", pw.replace("!", "x").replace("$", "s")),
        ("docker login -u bo --password {v} registry.acme.io", pw),
        ("sshpass -p '{v}' ssh deploy@box", pw),
        (".pgpass line: db.internal:5432:shop:app:{v}", pw.replace(":", "x")),
        ("wpa_supplicant.conf:\nnetwork={{\n  ssid=\"home\"\n  psk=\"{v}\"\n}}", pw),
        ("Server=db;Database=shop;User Id=sa;Password={v};", pw.replace(";", "x")),
        ("spring.datasource.password={v}", pw),
        ("<add key=\"SmtpPassword\" value=\"{v}\" />", pw),
    ]


def _auth_headers(g):
    return [
        ("-H 'X-API-Key: {v}'", g.token(32)),
        ("header X-Auth-Token: {v}", g.token(40, ALNUM + "-_")),
        ("Cookie: sessionid={v}; csrftoken=abc", g.token(32, string.ascii_lowercase + string.digits)),
        ("set-cookie: connect.sid={v}; Path=/", "s%3A" + g.token(32, ALNUM + "-_") + "." + g.token(43)),
        ("Proxy-Authorization: Basic {v}", g.token(28, ALNUM) + "=="),
    ]


def _prose_abbrev(g):
    pw = f"{g.word().title()}{g.digits(2)}-{g.word()}{g.digits(2)}"
    return [
        ("pass: {v}", pw), ("PASS = {v}", pw), ("pwd {v} for the nas", pw), ("p/w is {v}", pw),
        ("Pword: {v}", pw), ("the PW for the router is {v}", pw), ("KEY: {v}", pw),
    ]


def _prose_languages(g):
    pw = g.password()
    return [
        ("Das WLAN-Passwort lautet {v}", pw), ("mein Kennwort für das Büro ist {v}", pw),
        ("het wachtwoord van de wifi is {v}", pw), ("La mia password per il router è {v}", pw),
        ("A senha do wifi é {v}", pw), ("hasło do wifi: {v}", pw), ("la clave del portal es {v}", pw),
    ]


def _otp_codes(g):
    return [
        ("your verification code is {v}", g.digits(6)),
        ("2FA backup codes: {v}", f"{g.digits(4)}-{g.digits(4)}"),
        ("recovery code: {v}", "-".join(g.token(4, string.ascii_uppercase + "23456789") for _ in range(3))),
        ("the one-time code was {v}", g.digits(6)),
        ("OTP {v}, valid 5 minutes", g.digits(6)),
    ]


def _ids_documents(g):
    letters = string.ascii_uppercase
    return [
        ("passport no. {v}", g.rng.choice(letters) + g.digits(8)),
        ("my passport number is {v}", g.rng.choice(letters) + g.rng.choice(letters) + g.digits(7)),
        ("driver's licence {v}", f"{g.rng.choice(letters)}{g.digits(3)}-{g.digits(4)}-{g.digits(4)}"),
        ("DL# {v}", g.rng.choice(letters) + g.digits(7)),
        ("NI number {v}", f"{g.rng.choice('ABCEHJKLMNPRSTWXYZ')}{g.rng.choice('ABCEHJKLMNPRSTWXYZ')} "
                          f"{g.digits(2)} {g.digits(2)} {g.digits(2)} {g.rng.choice('ABCD')}"),
    ]


def _dob(g):
    d, m, y = g.rng.randint(1, 28), g.rng.randint(1, 12), g.rng.randint(1950, 2005)
    name = f"{g.rng.choice(['Ada', 'Bram', 'Cleo', 'Finn'])} {g.rng.choice(['Quill', 'Okafor', 'Marsh'])}"
    return [
        (f"{name}, born {{v}}", f"{d:02d}/{m:02d}/{y}"),
        ("DOB: {v}", f"{y}-{m:02d}-{d:02d}"),
        (f"{name}'s date of birth is {{v}}", f"{d} {['March', 'April', 'June', 'July'][m % 4]} {y}"),
        ("geboren am {v}", f"{d:02d}.{m:02d}.{y}"),
    ]


def _mac_and_hardware(g):
    hx = [g.hexs(2) for _ in range(6)]
    return [
        ("my laptop's MAC is {v}", ":".join(hx).upper()),
        ("allow {v} on the router", "-".join(hx)),
        ("cisco shows {v}", f"{hx[0]}{hx[1]}.{hx[2]}{hx[3]}.{hx[4]}{hx[5]}"),
        ("serial number {v}", g.token(12, UPPER)),
    ]


def _licence_keys(g):
    part = lambda: g.token(5, string.ascii_uppercase + "2346789")  # noqa: E731
    return [
        ("windows key {v}", "-".join(part() for _ in range(5))),
        ("licence: {v}", "-".join(part() for _ in range(4))),
        ("VIN {v}", g.token(17, "ABCDEFGHJKLMNPRSTUVWXYZ0123456789")),
        ("the car's VIN is {v}", g.token(17, "ABCDEFGHJKLMNPRSTUVWXYZ0123456789")),
    ]


def _wallets(g):
    words = ["abandon", "ability", "able", "about", "above", "absent", "absorb", "abstract", "absurd", "abuse",
             "access", "accident", "account", "accuse", "achieve", "acid", "acoustic", "acquire", "across", "act"]
    return [
        ("seed phrase: {v}", " ".join(g.rng.choice(words) for _ in range(12))),
        ("eth private key 0x{v}", g.hexs(64)),
        ("WIF {v}", "5" + g.token(50, "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")),
        ("salt = {v}", g.token(22, ALNUM + "./")),
    ]


def _addresses_typed(g):
    n = g.rng.randint(2, 9999)
    street = g.rng.choice(["elm", "oak", "maple", "cedar", "pine", "lake"])
    return [
        ("I'm at {v}", f"{n} {street} st"),
        ("ship to {v} pls", f"{n} n {street} ave apt {g.rng.randint(1, 30)}"),
        ("addr: {v}", f"{n} {street} rd, springfield, il 6{g.digits(4)}"),
        ("new place is {v}", f"{n} W. {street.title()} Blvd."),
    ]


def _addresses_world(g):
    n = g.rng.randint(1, 40)
    return [
        ("住所: {v}", f"〒150-00{g.digits(2)} 東京都渋谷区渋谷{g.rng.randint(1, 4)}-{n}-{g.rng.randint(1, 9)}"),
        ("Anschrift: {v}", f"Am Lindenhof {n}, 5{g.digits(4)} Köln"),
        ("I live at {v}", f"flat {n}, {g.rng.choice(['twelve', 'forty', 'nine'])} oak lane"),
        ("we moved to {v}", f"{n} avenue Victor Hugo, 69{g.digits(3)} Lyon"),
    ]


def _ip_notations(g):
    return [
        ("box is at {v}", f"10.{g.rng.randint(0, 255)}.{g.rng.randint(0, 255)}.{g.rng.randint(1, 254)}"),
        ("router {v}", f"192.168.{g.rng.randint(0, 255)}.{g.rng.randint(2, 254)}"),
        ("host {v}", f"2001:db8:{g.hexs(4)}::{g.hexs(3)}"),
        ("full form {v}", ":".join(g.hexs(4) for _ in range(8)).upper()),
        ("curl http://[{v}]:8080/health", f"fd{g.hexs(2)}:{g.hexs(4)}::{g.hexs(2)}"),
        ("mapped {v}", f"::ffff:172.16.{g.rng.randint(0, 255)}.{g.rng.randint(1, 254)}"),
    ]


def _phones_possible(g):
    return [
        ("call {v}", f"+44 7700 900{g.digits(3)}"),
        ("my number {v}", f"+1 555 01{g.digits(2)} {g.digits(3)}"),
        ("whatsapp {v}", f"+49 155 {g.digits(8)}"),
        ("{v} is my cell", f"+33 6 {g.digits(2)} {g.digits(2)} {g.digits(2)} {g.digits(2)}"),
    ]


def _card_tail(g):
    card = g.rng.choice(["4111 1111 1111 1111", "5555 5555 5555 4444", "4012888888881881"])
    return [
        (f"card {card} exp 0{g.rng.randint(1, 9)}/2{g.rng.randint(5, 9)} cvv {{v}}", g.digits(3)),
        (f"use {card}, {g.rng.randint(10, 12)}/2{g.rng.randint(5, 9)}, {{v}}", g.digits(3)),
        (f"{card} cvc: {{v}}", g.digits(3)),
        (f"{card} valid thru {{v}}", f"0{g.rng.randint(1, 9)}/2{g.rng.randint(5, 9)}"),
    ]


def _card_prose(g):
    return [
        ("the security code on the back is {v}", g.digits(3)),
        ("CVV2/CVC2: {v}", g.digits(3)),
        ("card verification value {v}", g.digits(3)),
        ("amex CID {v}", g.digits(4)),
    ]


def _config_langs(g):
    pw = g.password().replace("'", "x").replace('"', "x")
    return [
        ("define('DB_PASSWORD', '{v}');", pw),
        ("ENV MYSQL_ROOT_PASSWORD {v}", pw),
        ("PGPASSWORD={v} psql -h db -U app", pw),
        ("$pw = ConvertTo-SecureString \"{v}\" -AsPlainText -Force", pw),
        ("admin_password = \"{v}\"  # terraform.tfvars", pw),
        ("Password: \"{v}\", // go struct", pw),
    ]


def _people_ids(g):
    d = g.digits
    return [
        ("CPF: {v}", f"{d(3)}.{d(3)}.{d(3)}-{d(2)}"),
        ("mein PESEL ist {v}", d(11)),
        ("personnummer {v}", f"{d(6)}-{d(4)}"),
        ("CURP {v}", f"{g.token(4, string.ascii_uppercase)}{d(6)}H{g.token(5, string.ascii_uppercase)}{d(2)}"),
        ("RUT {v}", f"{d(2)}.{d(3)}.{d(3)}-{g.rng.choice('0123456789K')}"),
        ("numéro de sécurité sociale {v}", f"{g.rng.choice('12')} {d(2)} {d(2)} {d(2)} {d(3)} {d(3)} {d(2)}"),
    ]


THREAD_QUESTIONS = [("what's the wifi pw?", "for the guest laptop"), ("need the door code", "the courier is here"),
                    ("what's the NAS password", "mine stopped working"), ("wie war nochmal das WLAN-Passwort?",
                                                                         "ich bin im Büro"),
                    ("whats the alarm pin", "I'm at the back door")]
FAMILIES = {
    "vault_cloud_tokens": _vault_and_cloud, "chat_bot_tokens": _chat_bots, "cloud_sdk": _cloud_sdk,
    "cli_and_config": _cli_and_config, "auth_headers": _auth_headers, "prose_abbrev": _prose_abbrev,
    "prose_languages": _prose_languages, "otp_codes": _otp_codes, "ids_documents": _ids_documents, "dob": _dob,
    "mac_hardware": _mac_and_hardware, "licence_keys": _licence_keys, "wallets": _wallets,
    "addresses_typed": _addresses_typed, "addresses_world": _addresses_world, "ip_notations": _ip_notations,
    "phones_possible": _phones_possible, "card_tail": _card_tail, "card_prose": _card_prose,
    "config_langs": _config_langs, "people_ids": _people_ids, **battery_world.FAMILIES,
}
"""Family -> generator of (text with {v}, value) rows; reply_thread is planted by `thread_rows`."""
FAMILY_HALF = {
    # tune: the shapes the issue named (the rules were written for them)
    "prose_abbrev": "tune", "addresses_typed": "tune", "ip_notations": "tune", "phones_possible": "tune",
    "card_tail": "tune", "reply_thread": "tune", "vault_cloud_tokens": "tune", "cli_and_config": "tune",
    "otp_codes": "tune",
    # moved from test after their first measurement: the ids module and the card cues were written from
    # their misses, so they are tuning families now
    "ids_documents": "tune", "dob": "tune", "mac_hardware": "tune", "licence_keys": "tune", "card_prose": "tune",
    # added for national IDs, world addresses, seed phrases and code credentials (battery_world.py)
    **{family: "tune" for family in battery_world.FAMILIES},
    # test: families no rule was written from
    "chat_bot_tokens": "test", "cloud_sdk": "test", "auth_headers": "test", "prose_languages": "test",
    "wallets": "test", "addresses_world": "test", "config_langs": "test", "people_ids": "test",
}
"""Family -> the one half it belongs to."""


def family_rows(half: str, g) -> list[tuple[str, str, str, str]]:
    """(family, text with {v}, value, vendor prefix or '') of the families of `half`."""
    return [(family, row[0], row[1], row[2] if len(row) > 2 else "") for family, make in FAMILIES.items()
            if FAMILY_HALF[family] == half for row in make(g)]


def thread_rows(half: str, g) -> list[tuple[str, str, str, str]]:
    """(value, question, followup, family): a bare reply after the asker wrote once more."""
    if FAMILY_HALF["reply_thread"] != half:
        return []
    rows = []
    for question, followup in THREAD_QUESTIONS:
        value = g.digits(4) if any(w in question for w in ("code", "pin")) else g.password()
        rows.append((value, question, followup, "reply_thread"))
    return rows
