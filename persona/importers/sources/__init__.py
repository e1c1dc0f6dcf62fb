"""The importers: one module per kind of export, each ending with `SOURCE = Source(...)`.

Adding an importer is adding one module to this folder: its reader, its pairing rules and its default
context, declared in one `Source` record (persona/importers/source.py). `persona data import`,
`import_export` and categorization find it here. A module whose name starts with '_' is a helper, not a
source.

    find_source("mbox").name   # 'email'
"""

from __future__ import annotations

from functools import cache

from persona.discovery import discover

from ..source import Source


@cache
def all_sources() -> tuple[Source, ...]:
    """Every source of this folder's modules, by name; one ValueError lists every module that is wrong."""
    return tuple(discover(__name__, __path__, "SOURCE", Source, names=lambda s: (s.name, *s.aliases)).values())


def source_names() -> list[str]:
    """Every SOURCE name `persona data import` accepts, aliases included, sorted."""
    return sorted(name for source in all_sources() for name in (source.name, *source.aliases))


def find_source(name: str) -> Source | None:
    """The source called `name` or aliased to it; None when no module declares it."""
    return next((s for s in all_sources() if name == s.name or name in s.aliases), None)
