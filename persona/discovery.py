"""Registries made of modules: every module of a package declares one record at module level (`BACKEND = ...`,
`SOURCE = ...`), and the registry is what the package's modules declare. Adding an entry is adding a module.

A module whose name starts with '_' is a helper, not an entry. A module without its record, or two modules
declaring one name, is a ValueError listing every such problem at once.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable


def discover(package: str, path, attribute: str, record_type: type,
             names: Callable[[object], Iterable[str]] = lambda record: (record.name,)) -> dict:
    """{record.name: record} over the modules of `package` (its `__path__`), sorted by name. `names` gives
    every name a record answers to (its aliases too): each may be declared by one module only."""
    found, problems, taken = {}, [], {}
    for info in sorted(pkgutil.iter_modules(path), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        record = getattr(module, attribute, None)
        if not isinstance(record, record_type):
            problems.append(f"{module.__file__}: no {attribute} = {record_type.__name__}(...) at module level")
            continue
        clashes = [name for name in names(record) if name in taken]
        problems += [f"{module.__file__}: name {name!r} is also declared by {taken[name]}" for name in clashes]
        taken.update((name, module.__file__) for name in names(record))
        if not clashes:
            found[record.name] = record
    if problems:
        raise ValueError("\n".join(problems))
    return dict(sorted(found.items()))
