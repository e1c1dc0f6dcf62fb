"""What the package ships beside its code, found through the package, never through a repository's layout.

`toy/` (the toy dataset: the default training and test data, and its fact probes), `conversations/` (the
hand-written compression conversations), `prompts/` (the generic prompts) and `evals/` (the exit-criteria tests
`persona evaluate` runs) are links to `data/toy/`, `fixtures/conversations/`, `fixtures/prompts/` and `evals/` in
a source checkout; a built wheel carries copies of them (pyproject.toml's package data).
"""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
TOY_DATA = HERE / "toy"
CONVERSATIONS = HERE / "conversations"
EVALS = HERE / "evals"
PROMPTS = HERE / "prompts"
