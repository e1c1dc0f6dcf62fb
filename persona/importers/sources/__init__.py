"""The importers: one module per kind of export, each ending with `SOURCE = Source(...)`.

Adding an importer is adding one module to this folder: its reader, its pairing rules and its default
context, declared in one `Source` record (persona/importers/source.py). `persona data import`,
`import_export` and categorization find it here. A module whose name starts with '_' is a helper, not a
source.

    find_source("mbox").name   # 'email'
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from ..source import Source


@cache
def all_sources() -> tuple[Source, ...]:
    """Every source of this folder's modules, by name; one ValueError lists every module that is wrong."""
    sources, taken, problems = [], {}, []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        source = getattr(module, "SOURCE", None)
        if not isinstance(source, Source):
            problems.append(f"{module.__file__}: no SOURCE = Source(...) at module level")
            continue
        for name in (source.name, *source.aliases):
            if name in taken:
                problems.append(f"{module.__file__}: source name {name!r} is also declared by {taken[name]}")
            taken[name] = module.__file__
        sources.append(source)
    if problems:
        raise ValueError("\n".join(problems))
    return tuple(sorted(sources, key=lambda s: s.name))


def source_names() -> list[str]:
    """Every SOURCE name `persona data import` accepts, aliases included, sorted."""
    return sorted(name for source in all_sources() for name in (source.name, *source.aliases))


def find_source(name: str) -> Source | None:
    """The source called `name` or aliased to it; None when no module declares it."""
    return next((s for s in all_sources() if name == s.name or name in s.aliases), None)
