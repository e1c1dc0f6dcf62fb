"""Secrets by their label: `NAME=value` for any password/secret/token/key name, `.netrc`, URLs.

The forms people paste: env files and shell (`export DB_PASS=…`), YAML (`POSTGRES_PASSWORD: "…"`),
JSON (`"apiKey": "…"`), INI and TOML (`password = …`), `.netrc` (`machine h login u password p`)
URLs or DSNs with credentials (`redis://:pass@host`, an empty user included), command-line flags
(`--password X`, `mysql -pX`, `sshpass -p X`), `.pgpass` lines (`host:port:db:user:password`), and code of
any language (`define('DB_PASSWORD', '…')`, `os.Setenv("API_TOKEN", "…")`, `ConvertTo-SecureString "…"`,
`NetworkCredential("svc", "…")`, `ENV MYSQL_ROOT_PASSWORD …`, `<password>…</password>`, SQL's
`IDENTIFIED BY '…'`, `-Password …`, `curl -u user:…`). A name with
PASS/PWD in it hides whatever it holds; a SECRET/TOKEN/KEY/AUTH name only a value that looks
like a credential, so `primary_key: id` and `max_tokens=2048` stay.
"""

from __future__ import annotations

import re

from .types import Redaction, trimmed
from .words import is_reference, looks_like_credential

_NAME = r"[A-Za-z_][A-Za-z0-9_.-]*"
_ASSIGNMENT = re.compile(
    r"(?<![\w.-])(?P<q>[\"']?)(?P<name>" + _NAME + r")(?P=q)[ \t]*(?::=|=>|[:=])[ \t]*"
    r"(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s\"'`]+)")
_PASSWORD_PIECES = {"pass", "password", "passwd", "passphrase", "passcode", "pwd", "pw", "passwort", "kennwort",
                    "psk", "wpa"}
_SECRET_PIECES = {"secret", "secrets", "token", "tokens", "apikey", "credential", "credentials", "auth",
                  "authtoken", "privatekey", "accesskey", "secretkey", "signature", "sig", "salt", "dsn"}
_NOT_SECRET_KEY = {"primary", "sort", "foreign", "partition", "cache", "public", "unique", "composite",
                   "lookup", "object", "row", "range", "hash", "dedup", "idempotency", "group", "routing",
                   "shard", "index", "map", "hot", "short", "the", "a", "my"}
_NOT_SECRET_SUFFIX = {"len", "length", "min", "max", "policy", "file", "path", "ttl", "expiry", "expires",
                      "expiration", "seconds", "secs", "minutes", "hours", "days", "url", "uri", "endpoint",
                      "header", "name", "type", "id", "ids", "count", "size", "hint", "field", "prompt",
                      "label", "reset", "rotation", "required", "enabled", "disabled", "mode", "algorithm",
                      "version", "limit", "limits", "usage", "prefix", "format", "env", "var", "ref", "strength",
                      "hash", "hashed", "digest", "hasher", "validator", "validation", "confirm", "confirmation",
                      "input", "form", "widget", "error", "errors", "message", "changed", "updated", "at"}
_CODE_VALUE = re.compile(r"^[A-Za-z_][\w.]*[(\[]|^(?:self|this|args|opts|options|config|cfg|settings|request|params)\.")
_NETRC = re.compile(r"(?i)\b(?:password|passwd|account)\s+(?P<value>\S+)")
_NETRC_CONTEXT = re.compile(r"(?i)\b(?:machine\s+\S+|default)\s+(?:\S+\s+){0,4}?login\b")
_CLI_PASSWORD = re.compile(
    r"(?:--(?:[a-z]+-)?(?:password|passwd|pass|pwd)[= ]|\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]*?\s-p(?=\S)"
    r"|\bsshpass\s+-p\s*|\blogin\b[^\n]*?\s-p\s+)(?P<value>'[^'\n]+'|\"[^\"\n]+\"|[^\s'\"]+)")
_XML_PAIR = re.compile(r"(?i)\b(?:key|name)\s*=\s*\"(?P<name>[^\"\n]+)\"\s+value\s*=\s*\"(?P<value>[^\"\n]+)\"")
_PGPASS = re.compile(r"(?<![\w:/])[\w.-]+:\d{2,5}:[\w*.-]+:[\w*.-]+:(?P<value>[^\s:]+)")
# Code of any language: `define('DB_PASSWORD', '…')`, `os.Setenv("API_TOKEN", "…")`, `ENV["X_PASS"] = "…"`,
# `config.set('db', 'password', '…')`, and the value after a name in Dockerfile/fish/csh/Windows env lines.
_QUOTED = r"\"[^\"\n]*\"|'[^'\n]*'"
_CALL_PAIR = re.compile(r"(?P<q>[\"'])(?P<name>[\w.:-]{2,60})(?P=q)[ \t]*(?:,|[\])}][ \t]*(?:\|\|)?=)[ \t]*(?P<value>"
                        + _QUOTED + r")")
_ENV_WORD = re.compile(r"(?m)^[ \t]*(?:ENV|setx|set[ \t]+-[gxU]+|setenv|#[ \t]*define)[ \t]+(?P<name>" + _NAME
                       + r")[ \t]+(?P<value>" + _QUOTED + r"|[^\s\"'=]+)[ \t]*$")
# Calls whose second argument is a password: `NetworkCredential("svc", "…")`, `auth=("u", "…")`,
# `ConvertTo-SecureString "…"`.
_CREDENTIAL_CALL = re.compile(
    r"(?i)(?:\b(?:NetworkCredential|PSCredential|HTTPBasicAuth|HTTPDigestAuth|BasicAuth|SetBasicAuth|PasswordAuthentication"
    r"|UsernamePasswordCredentials?|login|authenticate)|\bauth[ \t]*=)[ \t]*\([ \t]*(?:" + _QUOTED + r")[ \t]*,[ \t]*"
    r"(?P<value>" + _QUOTED + r")|\bConvertTo-SecureString[ \t]+(?:-String[ \t]+)?(?P<plain>" + _QUOTED + r")"
    # SQL (`IDENTIFIED BY '…'`, `WITH PASSWORD '…'`), PowerShell (`-Password …`), keytool, openssl, curl -u
    r"|(?i:\bIDENTIFIED[ \t]+BY(?:[ \t]+PASSWORD)?|\bPASSWORD)[ \t]+(?P<sql>" + _QUOTED + r")"
    r"|(?i:[ \t]-(?:\w*Password|\w*Token|\w*Secret|ApiKey|(?:src|dest)?storepass|keypass)[ \t]+)(?P<flag>" + _QUOTED
    + r"|[^\s\"'$(][^\s\"']*)|[ \t]-pass(?:in|out)[ \t]+pass:(?P<openssl>\S+)|\bcurl\b[^\n]*?[ \t](?:-u|--user)[ \t]+"
    r"[\"']?[^\s:\"']+:(?P<curl>[^\s\"'@]+)"
    # tools whose password flag is a bare letter: only after the tool's name
    r"|\b(?:redis-cli[^\n]*?[ \t]-a|sqlcmd[^\n]*?[ \t]-P|bcp[^\n]*?[ \t]-P|ssh-keygen[^\n]*?[ \t]-N"
    r"|mongo(?:sh|dump|restore)?[^\n]*?[ \t]-p|ldap(?:search|add|modify|delete|passwd)[^\n]*?[ \t]-w"
    r"|htpasswd[ \t]+-\w*b\w*[ \t]+\S+[ \t]+\S+|net[ \t]+user[ \t]+\S+)[ \t]+(?P<tool>" + _QUOTED + r"|[^\s\"'/*$][^\s\"']*)")
_XML_TAG = re.compile(r"<(?P<name>[\w.:-]+)>(?P<value>[^<\n]{3,200})</(?P=name)>")
_URL_CREDENTIALS = re.compile(
    r"(?i)\b[a-z][a-z0-9+.-]{1,20}://(?P<user>[^\s:/@]*):(?P<value>[^\s@/]+)@(?=[\w\[.-])")


def name_pieces(name: str) -> list[str]:
    """'POSTGRES_PASSWORD' -> ['postgres', 'password']; 'apiKey' -> ['api', 'key']."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return [p for p in re.split(r"[_.\-]+", spaced.lower()) if p]


def name_kind(name: str) -> str | None:
    """'password' for a PASS/PWD name, 'secret' for a SECRET/TOKEN/KEY/AUTH one, None otherwise."""
    pieces = name_pieces(name)
    if "".join(pieces).endswith(("privatekeyid", "secretid")):  # a service account's key id, vault's secret_id
        return "secret"
    if not pieces or pieces[-1] in _NOT_SECRET_SUFFIX:
        return None
    if any(p in _PASSWORD_PIECES or p.endswith("password") for p in pieces):
        return "password"
    if any(p in _SECRET_PIECES or p.endswith(("secret", "token", "apikey")) for p in pieces):
        return "secret"
    if pieces[-1] in ("key", "keys") and (len(pieces) == 1 or pieces[-2] not in _NOT_SECRET_KEY):
        return "secret"
    return None


def _value_span(m: re.Match) -> tuple[int, int]:
    start, end = m.span("value")
    if m.group("value")[:1] in "\"'":
        return start + 1, end - 1
    return trimmed(m.string, start, end, ",;)]}")


def find_assignments(text: str) -> list[Redaction]:
    """Values assigned to secret names, in any of the module docstring's forms."""
    found, pos = [], 0
    # Scan on from each value, not past it: `settings.ini: admin_pass = x` holds two assignments.
    while (m := _ASSIGNMENT.search(text, pos)) is not None:
        pos = m.start("value")
        kind = name_kind(m.group("name"))
        if kind is None:
            continue
        start, end = _value_span(m)
        value = text[start:end]
        if not value or is_reference(value) or _CODE_VALUE.match(value) or name_kind(value) and value.isidentifier():
            continue
        if kind == "password" and len(value) >= 3 or kind == "secret" and looks_like_credential(value):
            found.append(Redaction("password" if kind == "password" else "secret_assignment", start, end))
    return found


def find_netrc(text: str) -> list[Redaction]:
    """`password X` after `machine H login U` (or `default login U`)."""
    if not _NETRC_CONTEXT.search(text):
        return []
    return [Redaction("password", *m.span("value")) for m in _NETRC.finditer(text)
            if not is_reference(m.group("value"))]


def find_url_credentials(text: str) -> list[Redaction]:
    """The password of `scheme://user:password@host`, with or without a user."""
    return [Redaction("basic_auth", *m.span("value")) for m in _URL_CREDENTIALS.finditer(text)]


def find_cli_passwords(text: str) -> list[Redaction]:
    """`--password X`, `mysql -pX`, `sshpass -p X`, `docker login -u u -p X`, `.pgpass` lines, and
    .NET's `<add key="DbPassword" value="…"/>`."""
    found = []
    for m in _CLI_PASSWORD.finditer(text):
        start, end = m.span("value")
        if m.group("value")[:1] in "'\"":
            start, end = start + 1, end - 1
        value = text[start:end]
        if end - start >= 3 and (value.startswith("!") or not is_reference(value)):  # '!' starts passwords too
            found.append(Redaction("password", start, end))
    found += [Redaction("password", *m.span("value")) for m in _XML_PAIR.finditer(text)
              if name_kind(m.group("name")) and not is_reference(m.group("value"))]
    return found + [Redaction("password", *m.span("value")) for m in _PGPASS.finditer(text)]


def _quoted_span(m: re.Match, group: str) -> tuple[int, int]:
    start, end = m.span(group)
    return (start + 1, end - 1) if m.group(group)[:1] in "\"'" else (start, end)


def find_in_code(text: str) -> list[Redaction]:
    """A secret name's value in calls and env lines of code (see `_CALL_PAIR`, `_ENV_WORD`), and the
    password argument of credential constructors."""
    found, pairs, pos = [], [], 0
    while (m := _CALL_PAIR.search(text, pos)) is not None:  # `'db', 'password', 'x'`: the value is a name too
        pairs.append(m)
        pos = m.start("value")
    for m in [*pairs, *_ENV_WORD.finditer(text), *_XML_TAG.finditer(text)]:
        kind, (start, end) = name_kind(m.group("name")), _quoted_span(m, "value")
        value = text[start:end]
        if not kind or not value or is_reference(value):
            continue
        if kind == "password" and len(value) >= 3 or kind == "secret" and looks_like_credential(value):
            found.append(Redaction("password" if kind == "password" else "secret_assignment", start, end))
    for m in _CREDENTIAL_CALL.finditer(text):
        start, end = _quoted_span(m, next(g for g in ("value", "plain", "sql", "flag", "openssl", "curl", "tool") if m.group(g)))
        if end - start >= 3 and not is_reference(text[start:end]):
            found.append(Redaction("password", start, end))
    return found


def find(text: str) -> list[Redaction]:
    """Every labelled secret: assignments, code, .netrc lines, CLI flags and URL credentials."""
    return (find_assignments(text) + find_in_code(text) + find_netrc(text) + find_cli_passwords(text)
            + find_url_credentials(text))
