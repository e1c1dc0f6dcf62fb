"""A labelled battery for the scrubber: fake secrets and PII of every kind, and innocent lines.

    items = planted(half="test")        # Planted(kind, text, value, pieces, question)
    lines = innocent(half="test")       # Innocent(kind, text)

Each kind has several templates; even-numbered templates and seed 11 make the "tune" half, odd
ones and seed 29 the "test" half, so the test half holds shapes the scrubber was not tuned on.
The families of `battery_families.py` (from gitleaks, CredData and presidio-evaluator) are split
whole: a family's shapes appear in one half only.
`battery_exports.py` plants them into the five export formats; `scripts/bench_scrub.py` prints the table.
Every value is invented: test cards, documentation IPs and made-up keys only.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field

from tests.battery_families import family_rows, thread_rows
from tests.battery_world import innocent_rows as world_innocent_rows

HALVES = {"tune": (0, 11), "test": (1, 29)}
"""Half name -> (template parity, seed)."""

ALNUM = string.ascii_letters + string.digits
WORDS = ["pancakes", "marigold", "kettle", "otter", "lantern", "juniper", "biscuit", "harbor", "velvet",
         "pepper", "meadow", "falcon", "cobalt", "saffron", "thistle", "walnut", "ember", "quartz"]
FIRST = ["ada", "bram", "cleo", "finn", "gus", "hana", "ivo", "jules", "kemi", "lior", "mara", "nils"]
LAST = ["quill", "okafor", "marsh", "berg", "tanaka", "rossi", "dubois", "nowak", "silva", "khan"]
DOMAINS = ["example.com", "example.org", "mail.example.net", "fernhollow.example", "test.example.io"]


@dataclass(frozen=True)
class Planted:
    """One secret or piece of PII, in the sentence that carries it."""

    kind: str
    """Battery kind: env_assign, vendor_key, phone_national, …"""
    text: str
    """The message line as written by the person."""
    value: str
    """The exact substring that must not reach the output."""
    pieces: tuple = ()
    """Fragments of `value` that must not survive either (a partial leak); the vendor prefix is not one."""
    question: str = ""
    """What the other person asked first ('' for a generic question)."""
    followup: str = ""
    """A second message by the asker, between the question and the reply ('' for none)."""


@dataclass(frozen=True)
class Innocent:
    """A line with nothing private in it, which must come out unchanged."""

    kind: str
    """git_sha, digest, uuid, trace_id, version, redis_key, prose_numbers, …"""
    text: str
    """The line."""


@dataclass
class _Gen:
    rng: random.Random
    n: int = 0
    used: set = field(default_factory=set)

    def token(self, length: int, alphabet: str = ALNUM) -> str:
        while True:
            value = "".join(self.rng.choice(alphabet) for _ in range(length))
            has_digits = any(c.isdigit() for c in alphabet)
            if not has_digits or any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
                return value

    def digits(self, length: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(length))

    def hexs(self, length: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(length))

    def word(self) -> str:
        return self.rng.choice(WORDS)

    def password(self) -> str:
        style = self.rng.randrange(4)
        if style == 0:
            return f"{self.word().title()}{self.rng.choice('!#$%&*')}{self.digits(self.rng.randint(2, 4))}"
        if style == 1:
            return f"{self.word()}-{self.word()}-{self.digits(2)}"
        if style == 2:
            return self.token(self.rng.randint(10, 18), ALNUM + "!@#%^*")
        return f"{self.word()}{self.digits(3)}{self.word().title()}"

    def email_parts(self) -> tuple[str, str, str]:
        user = f"{self.rng.choice(FIRST)}.{self.rng.choice(LAST)}{self.digits(2)}"
        host, tld = self.rng.choice(["acme", "fernhollow", "zephyrmail", "postbox", "quillworks"]), \
            self.rng.choice(["com", "org", "net", "de", "io"])
        return user, host, tld


def pieces_of(value: str, prefix: str = "", min_len: int = 4) -> tuple:
    """Alphanumeric runs of `value` after `prefix`, at least `min_len` long."""
    import re

    body = value[len(prefix):] if value.startswith(prefix) else value
    return tuple(p for p in re.findall(r"[A-Za-z0-9]+", body) if len(p) >= min_len)


# ---- secrets: each template is (format, kind) -> text with {v} where the value goes

def _assignments(g: _Gen) -> list[tuple[str, str, str]]:
    """(kind, text with {v}, value) for key=value assignment forms."""
    pw, key = g.password(), g.token(g.rng.randint(24, 40))
    stem = g.rng.choice(["DB", "POSTGRES", "MYSQL", "REDIS", "SMTP", "ADMIN", "APP", "LDAP", "RABBITMQ"])
    return [
        ("env_assign", f"{stem}_PASSWORD={{v}}", pw),
        ("env_assign", "export DB_PASS={v}", pw),
        ("env_assign", f"```\n{stem}_HOST=db.internal\n{stem}_SECRET_KEY={{v}}\n```", key),
        ("env_assign", f"set it in .env: {stem}_AUTH_TOKEN=\"{{v}}\" and restart", key),
        ("env_assign", f"{stem}_PASSWD='{{v}}'", pw),
        ("env_assign", f"API_KEY={{v}} # staging", key),
        ("yaml_assign", f"```yaml\nservices:\n  db:\n    environment:\n      POSTGRES_PASSWORD: \"{{v}}\"\n```", pw),
        ("yaml_assign", "```yaml\nsmtp:\n  host: mail.internal\n  password: {v}\n```", pw),
        ("yaml_assign", "config.yml has `client_secret: {v}` for now", key),
        ("yaml_assign", "```\nauth:\n  api_token: '{v}'\n```", key),
        ("json_assign", "```json\n{{\"user\": \"svc\", \"password\": \"{v}\"}}\n```", pw),
        ("json_assign", "the payload was {{\"apiKey\": \"{v}\", \"region\": \"eu\"}}", key),
        ("json_assign", "\"secret_access_key\": \"{v}\",", key),
        ("json_assign", "{{\"auth\": {{\"token\": \"{v}\"}}}}", key),
        ("ini_toml", "```ini\n[database]\nuser = app\npassword = {v}\n```", pw),
        ("ini_toml", "```toml\n[deploy]\nsecret_key = \"{v}\"\n```", key),
        ("ini_toml", "in settings.ini: admin_pass = {v}", pw),
        ("ini_toml", "pypirc has\n[pypi]\nusername = __token__\npassword = {v}", key),
        ("netrc", "my .netrc: machine api.example.com login ada password {v}", pw),
        ("netrc", "```\nmachine git.example.org\n  login deploy\n  password {v}\n```", pw),
        ("netrc", "machine ftp.example.net login bob password {v} (old box)", pw),
        ("netrc", "default login anonymous password {v}", pw),
    ]


def _urls(g: _Gen) -> list[tuple[str, str, str]]:
    pw = g.password().replace("@", "#").replace("/", "_")
    user = g.rng.choice(FIRST)
    return [
        ("url_credentials", f"postgres://{user}:{{v}}@db.example.com:5432/app", pw),
        ("url_credentials", "use redis://:{v}@cache.internal:6379/0 for the queue", pw),
        ("url_credentials", f"mongodb+srv://{user}:{{v}}@cluster0.example.net/test", pw),
        ("url_credentials", f"clone https://{user}:{{v}}@git.example.org/team/repo.git", pw),
        ("url_credentials", f"amqp://{user}:{{v}}@mq.internal:5672/vhost", pw),
        ("url_credentials", f"DATABASE_URL=mysql://{user}:{{v}}@10.0.3.4/shop", pw),
        ("url_credentials", f"ftp://{user}:{{v}}@files.example.com/in", pw),
        ("url_credentials", "smtp://:{v}@smtp.example.com:587", pw),
    ]


def _vendor_keys(g: _Gen) -> list[tuple[str, str, str, str]]:
    """(text with {v}, value, prefix) of vendor key shapes, with '-' and '_' inside."""
    mix = ALNUM + "-_"
    t = g.token
    keys = [
        ("sk-ant-api03-", "sk-ant-api03-" + t(93, mix) + "AA"),
        ("sk-proj-", "sk-proj-" + t(48, mix) + "T3BlbkFJ" + t(48, mix)),
        ("sk-", "sk-" + t(20) + "T3BlbkFJ" + t(20)),
        ("AIza", "AIza" + t(35, mix)),
        ("ghp_", "ghp_" + t(36)),
        ("github_pat_", "github_pat_" + t(22) + "_" + t(59)),
        ("glpat-", "glpat-" + t(20, mix)),
        ("xoxb-", f"xoxb-{g.digits(12)}-{g.digits(13)}-{t(24)}"),
        ("xoxp-", f"xoxp-{g.digits(12)}-{g.digits(12)}-{g.digits(13)}-{g.hexs(32)}"),
        ("sk_live_", "sk_live_" + t(24)),
        ("rk_live_", "rk_live_" + t(24)),
        ("AKIA", "AKIA" + t(16, string.ascii_uppercase + "234567")),
        ("SG.", f"SG.{t(22, mix)}.{t(43, mix)}"),
        ("npm_", "npm_" + t(36)),
        ("hf_", "hf_" + t(34, string.ascii_letters)),
        ("https://discord.com/api/webhooks/", f"https://discord.com/api/webhooks/{g.digits(18)}/{t(68, mix)}"),
        ("https://hooks.slack.com/services/", f"https://hooks.slack.com/services/T{t(8, string.ascii_uppercase + string.digits)}/"
             f"B{t(10, string.ascii_uppercase + string.digits)}/{t(24)}"),
        ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + t(40, mix) + "." + t(43, mix)),
        ("SK", "SK" + g.hexs(32)),
        ("dop_v1_", "dop_v1_" + g.hexs(64)),
        ("shpat_", "shpat_" + g.hexs(32)),
        ("pk_live_", "pk_live_" + t(24)),
    ]
    frames = ["here's the key: {v}", "try {v} on staging", "`{v}`", "token={v}", "I rotated it, new one is {v}",
              "curl -H 'Authorization: Bearer {v}' https://api.example.com/v1/me"]
    out = []
    for i, (prefix, value) in enumerate(keys):
        out.append((frames[(i + g.n) % len(frames)], value, prefix))
    return out


def _prose_passwords(g: _Gen) -> list[tuple[str, str, str]]:
    word, pw = g.word(), g.password()
    phrase = " ".join(g.rng.sample(WORDS, 4))
    return [
        ("prose_password", "the password is {v}", word),
        ("prose_password", "wifi password is still {v}", pw),
        ("prose_password", "Das Passwort ist {v}", pw),
        ("prose_password", "le mot de passe est {v} pour le moment", pw),
        ("prose_password", "la contraseña es {v}", pw),
        ("prose_password", "pw: {v}", pw),
        ("prose_password", "passphrase: \"{v}\"", phrase),
        ("prose_password", "my login for the portal is ada / {v}", pw),
        ("prose_password", "the guest wifi pass is {v} btw", word + g.digits(2)),
        ("prose_password", "het wachtwoord is {v}", pw),
        ("prose_password", "la password è {v}", pw),
        ("prose_password", "senha: {v}", pw),
    ]


def _codes(g: _Gen) -> list[tuple[str, str, str]]:
    d4, d6, d3 = g.digits(4), g.digits(6), g.digits(3)
    return [
        ("code_pin", "door code is {v}", d4),
        ("code_pin", "my PIN is {v}", d4),
        ("code_pin", "CVV {v}", d3),
        ("code_pin", "gate code: {v}#", d4),
        ("code_pin", "alarm code {v}, don't share", d6),
        ("code_pin", "the cvc is {v} on the back", d3),
        ("code_pin", "Türcode {v}", d4),
        ("code_pin", "pin {v} for the bike lock", d4),
        ("code_pin", "the lockbox combination is {v}", d4),
        ("code_pin", "security code {v}", d3),
    ]


def _phones(g: _Gen) -> list[tuple[str, str, str]]:
    d = g.digits
    numbers = [
        f"030 {d(8)}", f"0151 {d(8)}", f"06 {d(2)} {d(2)} {d(2)} {d(2)}", f"01 {d(2)} {d(2)} {d(2)} {d(2)}",
        f"098{d(2)} {d(5)}", f"090-{d(4)}-{d(4)}", f"03-{d(4)}-{d(4)}", f"0412 {d(3)} {d(3)}",
        f"(02) 9{d(3)} {d(4)}", f"612 {d(3)} {d(3)}", f"91 {d(3)} {d(2)} {d(2)}", f"07700 900{d(3)}",
        f"(415) 555-{d(4)}", f"+49 30 {d(8)}", f"+33 6 {d(2)} {d(2)} {d(2)} {d(2)}", f"+91 98{d(3)} {d(5)}",
        f"0{d(1, )}9{d(2)} {d(6)}", f"080-{d(4)}-{d(4)}",
    ]
    frames = ["call me on {v}", "my number: {v}", "reach me at {v} after 6", "{v} is my mobile",
              "text {v} when you land", "Tel. {v}", "numéro: {v}", "ruf an: {v}"]
    return [("phone", frames[(i + g.n) % len(frames)], n) for i, n in enumerate(numbers)]


def _emails(g: _Gen) -> list[tuple[str, str, str]]:
    user, host, tld = g.email_parts()
    return [
        ("email_spelled", "mail me at {v}", f"{user} at {host} dot {tld}"),
        ("email_spelled", "{v}", f"{user} [at] {host} [dot] {tld}"),
        ("email_spelled", "contact: {v}", f"{user}(at){host}.{tld}"),
        ("email_spelled", "write to {v} please", f"{user} AT {host} DOT {tld}"),
        ("email_spelled", "send it to {v}", f"{user} at {host}.{tld}"),
        ("email_spelled", "reach {v}", f"{user} {{at}} {host} {{dot}} {tld}"),
        ("email", "cc {v} on it", f"{user}@{host}.{tld}"),
        ("email_spelled", "email: {v}", f"{user}[at]{host}[.]{tld}"),
    ]


def _addresses(g: _Gen) -> list[tuple[str, str, str]]:
    n = g.rng.randint(2, 240)
    street = g.rng.choice(["Linden", "Berg", "Haupt", "Garten", "Schiller"])
    return [
        ("address", "I live at {v} now", f"{n} {g.rng.choice(['Evergreen', 'Maple', 'Oak Hill'])} Terrace"),
        ("address", "ship it to {v}", f"{n}B Baker Street, London NW1 6XE"),
        ("address", "new flat: {v}", f"{street}str. {n}"),
        ("address", "we're at {v}", f"{n} rue de la Paix, 75002 Paris"),
        ("address", "postcode is {v}", g.rng.choice(["SW1A 1AA", "EC1A 1BB", "M1 1AE", "B33 8TH", "CR2 6XH"])),
        ("address", "Adresse: {v}", f"{street}straße {n}, 10115 Berlin"),
        ("address", "meet at {v}", f"Calle Mayor {n}, 28013 Madrid"),
        ("address", "office is at {v}", f"Via Roma {n}, 00184 Roma"),
        ("address", "my address: {v}", f"{n} Avenue des Champs-Élysées"),
        ("address", "drop by {v}", f"{n} Kings Road, Brighton BN1 1NB"),
    ]


def _ids(g: _Gen) -> list[tuple[str, str, str]]:
    ssn = f"{g.rng.randint(100, 665):03d}-{g.rng.randint(1, 99):02d}-{g.rng.randint(1, 9999):04d}"
    iban = g.rng.choice(["DE89370400440532013000", "GB82WEST12345698765432", "FR1420041010050500013M02606",
                         "NL91ABNA0417164300", "ES9121000418450200051332"])
    spaced = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    ip4 = f"{g.rng.choice([23, 51, 84, 141, 185, 212])}.{g.rng.randint(1, 254)}.{g.rng.randint(1, 254)}." \
          f"{g.rng.randint(1, 254)}"
    ip6 = f"2a02:{g.hexs(4)}:{g.hexs(3)}::{g.hexs(2)}"
    return [
        ("ssn", "SSN {v}", ssn),
        ("ssn", "my social is {v}", ssn.replace("-", " ")),
        ("ssn", "ssn: {v}", ssn),
        ("iban", "IBAN {v}", spaced.lower()),
        ("iban", "pay to {v}", iban),
        ("iban", "iban: {v}", spaced),
        ("ip", "the box is at {v}", ip4),
        ("ip", "ssh root@{v}", ip4),
        ("ip", "my home IP is {v}", ip6),
        ("ip", "allowlist {v} please", f"2001:{g.hexs(4)}:{g.hexs(4)}:{g.hexs(4)}::{g.hexs(3)}"),
        ("ip", "the API listens on {v}:8080", f"10.0.{g.rng.randint(0, 9)}.{g.rng.randint(2, 250)}"),
        ("ip", "ping {v} from the laptop", f"192.168.1.{g.rng.randint(2, 250)}"),
        ("card", "card {v}", g.rng.choice(["4111 1111 1111 1111", "5555 5555 5555 4444", "4012888888881881"])),
        ("card", "amex {v} exp 12/27", "3782 822463 10005"),
    ]


REPLY_QUESTIONS = ["what's the wifi password?", "what is the password for the NAS?", "wie ist das WLAN-Passwort?",
                   "what's the door code?", "pin for the alarm?", "quel est le mot de passe du wifi ?"]


def planted(half: str = "test") -> list[Planted]:
    """The planted values of one half (see HALVES)."""
    parity, seed = HALVES[half]
    rng = random.Random(seed)
    items: list[Planted] = []
    for rep in range(4):
        g = _Gen(rng, n=rep)
        for family, text, value, prefix in family_rows(half, g):
            min_len = 3 if value.replace("-", "").isdigit() else 4
            items.append(Planted(family, text.format(v=value), value, pieces_of(value, prefix, min_len)))
        for value, question, followup, family in thread_rows(half, g):
            items.append(Planted(family, value, value, pieces_of(value, min_len=3), question, followup))
        rows = [*_assignments(g), *_urls(g), *_prose_passwords(g), *_codes(g), *_phones(g), *_emails(g),
                *_addresses(g), *_ids(g)]
        for i, (kind, text, value) in enumerate(rows):
            if i % 2 == parity:
                min_len = 3 if kind in ("code_pin", "phone", "ssn") else 4
                items.append(Planted(kind, text.format(v=value), value, pieces_of(value, min_len=min_len)))
        for i, (text, value, prefix) in enumerate(_vendor_keys(g)):
            if i % 2 == parity:
                items.append(Planted("vendor_key", text.format(v=value), value, pieces_of(value, prefix, 6)))
        for i, question in enumerate(REPLY_QUESTIONS):
            if i % 2 == parity:
                value = g.digits(4) if "code" in question or "pin" in question else g.password()
                items.append(Planted("reply_password", value, value, pieces_of(value), question))
    return items


def _innocent_rows(g: _Gen) -> list[tuple[str, str]]:
    sha, short = g.hexs(40), g.hexs(7)
    return [
        ("git_sha", f"fixed in commit {sha}"),
        ("git_sha", f"git revert {sha} && git push"),
        ("git_sha", f"bisect says {sha} is the first bad commit"),
        ("git_sha", f"merged as {short}, see https://github.com/acme/app/commit/{sha}"),
        ("digest", f"image is ghcr.io/acme/api@sha256:{g.hexs(64)}"),
        ("digest", f"sha256: {g.hexs(64)}"),
        ("digest", f"\"integrity\": \"sha512-{g.token(86, ALNUM + '+/')}==\""),
        ("digest", f"md5 {g.hexs(32)}  release.tar.gz"),
        ("digest", f"SHA-256 checksum {g.hexs(64)}"),
        ("digest", f"integrity sha384-{g.token(64, ALNUM + '+/')} on the script tag"),
        ("uuid", f"request id {g.hexs(8)}-{g.hexs(4)}-4{g.hexs(3)}-a{g.hexs(3)}-{g.hexs(12)} in the logs"),
        ("uuid", f"tenant_id={g.hexs(8)}-{g.hexs(4)}-{g.hexs(4)}-{g.hexs(4)}-{g.hexs(12)}"),
        ("trace_id", f"trace_id={g.hexs(32)} span_id={g.hexs(16)}"),
        ("trace_id", f"traceparent: 00-{g.hexs(32)}-{g.hexs(16)}-01"),
        ("trace_id", f"see trace {g.hexs(32)} in Jaeger"),
        ("trace_id", f"X-Request-Id: {g.hexs(32)}"),
        ("version", f"bumped to v{g.rng.randint(1, 9)}.{g.rng.randint(0, 30)}.{g.rng.randint(0, 20)}"),
        ("version", f"numpy {g.rng.randint(1, 2)}.{g.rng.randint(10, 30)}.{g.rng.randint(0, 9)} and "
                    f"torch 2.{g.rng.randint(0, 9)}.{g.rng.randint(0, 9)} are pinned"),
        ("version", f"chrome {g.rng.randint(100, 130)}.0.{g.rng.randint(1000, 6999)}.{g.rng.randint(10, 200)} on the runner"),
        ("version", f"release 2024.{g.rng.randint(1, 12):02d}.{g.rng.randint(1, 28):02d}-rc{g.rng.randint(1, 5)}"),
        ("redis_key", f"cache key is user:{g.digits(4)}:profile:v3"),
        ("redis_key", f"HGETALL session:{g.digits(5)}:cart:items"),
        ("redis_key", f"lock:order:{g.digits(6)}:retry"),
        ("redis_key", f"key team:{g.digits(2)}:role:admin is cached"),
        ("prose_numbers", f"we sold {g.rng.randint(1, 9)},{g.digits(3)} units in Q3 at ${g.rng.randint(10, 99)}.99"),
        ("prose_numbers", f"build {g.digits(8)} passed, build {g.digits(8)} failed"),
        ("prose_numbers", f"the run took {g.rng.randint(2, 59)} minutes and {g.rng.randint(2, 59)} seconds"),
        ("prose_numbers", f"order #{g.digits(6)} shipped on 2024-0{g.rng.randint(1, 9)}-1{g.rng.randint(0, 9)}"),
        ("prose_numbers", f"timestamp {g.rng.randint(1600000000, 1800000000)} in seconds"),
        ("prose_numbers", f"meet in room {g.rng.randint(1, 9)}B at {g.rng.randint(1, 5)}pm, {g.rng.randint(2, 9)} items"),
        ("prose_numbers", f"ticket JIRA-{g.digits(4)} blocked, ETA {g.rng.randint(2, 9)} weeks"),
        ("prose_numbers", f"p99 went from {g.rng.randint(100, 900)} ms to {g.rng.randint(10, 99)} ms, "
                          f"{g.rng.randint(10, 90)}% better"),
        ("config_plain", f"DB_HOST=db.internal and DB_PORT=5432, pool {g.rng.randint(5, 50)}"),
        ("config_plain", f"PASSWORD_MIN_LENGTH={g.rng.randint(8, 16)}"),
        ("config_plain", "the password policy is strict: 12 characters minimum"),
        ("config_plain", "my token is expired, I'll ask IT for a new one"),
        ("config_plain", "primary_key: id and sort_key: created_at"),
        ("config_plain", "reset your password at the portal, then log in again"),
        ("network_plain", f"the API listens on localhost:8080 and 127.0.0.1:{g.rng.randint(3000, 9999)}"),
        ("network_plain", f"bind to 0.0.0.0 port {g.rng.randint(3000, 9999)} and ::1 for tests"),
        ("network_plain", "docs at https://docs.python.org/3/library/re.html#re.sub"),
        ("prose_near_miss", f"I ran {g.rng.randint(2, 9)} miles down the road and back"),
        ("prose_near_miss", f"{g.rng.randint(2, 4)} hard drive failures this week"),
        ("prose_near_miss", f"the pass rate is {g.rng.randint(60, 99)}% on main"),
        ("prose_near_miss", "use key: value pairs in the config"),
        ("prose_near_miss", f"pin numpy to 1.{g.rng.randint(20, 26)}.{g.rng.randint(0, 5)} for now"),
        ("prose_near_miss", f"code review at {g.rng.randint(9, 12)}:30, standup at 10:15:00"),
        ("prose_near_miss", "std::vector<int> and boost::asio work fine"),
        ("prose_near_miss", f"aspect ratio 16:9, {g.rng.randint(2, 9)} pass filter"),
        ("prose_near_miss", f"the wifi password changed? ok, {g.rng.randint(2, 9)} people asked already"),
        ("prose_near_miss", f"we need {g.rng.randint(2, 9)} more keys cut for the office"),
        ("network_plain", f"ISBN 978-0-306-40615-7 and page {g.rng.randint(10, 400)}"),
    ]


def innocent(half: str = "test") -> list[Innocent]:
    """The innocent lines of one half (see HALVES)."""
    parity, seed = HALVES[half]
    rng = random.Random(seed + 1000)
    lines = []
    for rep in range(4):
        g = _Gen(rng, n=rep)
        lines += [Innocent(kind, text) for i, (kind, text) in enumerate(_innocent_rows(g)) if i % 2 == parity]
        if half == "tune":  # near misses of battery_world's families, which are tune families too
            lines += [Innocent(kind, text) for kind, text in world_innocent_rows(g)]
    return lines
