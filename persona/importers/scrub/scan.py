"""The pre-training scan: a training file is read with the scrubber's detectors before any step runs.

`persona data import` scrubs what it writes, but a training file may be written by hand, edited
after import, or come from elsewhere; a secret in it is what the model would learn to repeat. So
`persona train` and the harness's training scan the file first and refuse a secret-shaped value,
naming `path:line` and the kind (`--allow-secrets` trains anyway, for deliberate canaries).

    findings = scan_training_file(Path("train.jsonl"))   # [Finding(path, line, kind), ...]

Only secret kinds stop training (keys, tokens, passwords, cards, IBANs, SSNs, private keys); personal
data a person may mention on purpose (a town, a phone number, an email) is the importer's to scrub.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

NOT_SECRETS = frozenset({"email", "phone", "address", "ip", "date_of_birth", "id_number", "mac_address",
                         "high_entropy"})
"""Kinds the scan reports no refusal for (entropy alone also fires on long identifiers in prose)."""


@dataclass(frozen=True)
class Finding:
    """One secret-shaped value in a training file."""

    path: str
    """The file, as given."""
    line: int
    """1-based line number."""
    kind: str
    """The detector's kind: 'aws_access_key', 'password', 'card', …"""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: secret-shaped value ({self.kind})"


def _texts(line: str) -> list[str]:
    try:
        record = json.loads(line)
    except ValueError:
        return [line]  # the data check reports the bad line; its text is still scanned
    if not isinstance(record, dict) or not isinstance(record.get("messages"), list):
        return [line]
    return [str(m.get(key, "")) for m in record["messages"] if isinstance(m, dict)
            for key in ("content", "reasoning_content") if m.get(key)]


def scan_training_file(path: Path, scrubber=None) -> list[Finding]:
    """Secret-shaped values in a JSONL training file, one Finding per kind and line."""
    from . import find_redactions, make_scrubber

    scrubber = scrubber or make_scrubber("US")
    findings = []
    lines = Path(path).read_text(encoding="utf-8", errors="replace").split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        kinds = {r.kind for text in _texts(line) for r in find_redactions(text, scrubber)} - NOT_SECRETS
        findings += [Finding(str(path), number, kind) for kind in sorted(kinds)]
    return findings


def refusal(findings: list[Finding]) -> str:
    """The message that refuses training: every finding, then how to train anyway."""
    return "\n".join([*map(str, findings), f"{len(findings)} secret-shaped value(s) in the training data; scrub "
                      "them (persona data import does), or pass --allow-secrets to train on them deliberately"])
