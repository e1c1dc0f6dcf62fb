"""The one shape every detector returns: a kind and a span over the original text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Redaction:
    """One finding, as a span over the original text."""

    kind: str
    """What was found: 'email', 'phone', 'aws_access_key', 'high_entropy', …"""
    start: int
    """Offset of the first character redacted."""
    end: int
    """Offset one past the last character redacted."""


def trimmed(text: str, start: int, end: int, strip: str = ".,;:!?)]}>\"'`") -> tuple[int, int]:
    """The span without the punctuation that ends a sentence or closes a quote around it."""
    while end > start and text[end - 1] in strip:
        end -= 1
    return start, end
