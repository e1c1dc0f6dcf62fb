"""What an importer declares: one `Source` record at the bottom of its module in `sources/`.

    SOURCE = Source(name="discord", label="Discord", read=read, rules=PairingRules(), context="casual")

`persona.importers.sources` collects the records; the CLI's SOURCE choices, `import_export`, pairing
and categorization read them from there, so nothing else names a source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .messages import Export
from .pairing import PairingRules


@dataclass(frozen=True)
class Source:
    """One kind of export: how to read it, how its messages pair, the context its records default to."""

    name: str
    """SOURCE on the command line, and metadata.source of the records."""
    label: str
    """The kind of export as `persona data import --help` names it ('Slack', 'GitHub')."""
    read: Callable[..., Export]
    """Export file or folder -> messages: `read(path)`, or `read(path, me)` when `authorless`;
    ImportFailed when PATH is not such an export."""
    rules: PairingRules
    """Time windows of pairing (see pairing.py): chat is answered in minutes, mail and issues in days."""
    context: str
    """metadata.context of a record when no context keyword decides (see categorize.infer_context)."""
    aliases: tuple[str, ...] = ()
    """Other SOURCE names for the same export ('mbox' for 'email'); the records carry `name`."""
    authorless: bool = False
    """The export names no authors (notes): the reader attributes every message to --me, so --me is
    taken as it is instead of being looked up among the export's authors."""
