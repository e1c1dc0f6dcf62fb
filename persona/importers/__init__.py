"""Bring your own data: Slack, Discord, mbox, GitHub, notes and ticket (Jira, Zendesk, Linear) exports -> scrubbed
training pairs.

    from persona.importers import import_export
    result = import_export("slack", Path("export.zip"), me="ada@example.org")

Modules: `sources/` holds one module per kind of export (slack, discord, mbox, github, notes, jira, zendesk,
linear), each a reader producing `messages.Export` and its `source.Source` record (name, pairing rules, default
context); `scrub` (secrets and PII), `pairing` (who answers whom), `categorize` (style/fact/decision
proposals), `pipeline` (the whole path), `cli` (`persona data import`).
"""

from .messages import ImportFailed
from .pipeline import ImportResult, ImportSummary, format_summary, import_export

__all__ = ["ImportFailed", "ImportResult", "ImportSummary", "format_summary", "import_export"]
