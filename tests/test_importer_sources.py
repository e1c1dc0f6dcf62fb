"""The importer plug point: a module in persona/importers/sources/ ending with `SOURCE = Source(...)` is an
importer. `persona data import` offers it, `import_export` reads with its reader, pairs by its rules and gives
its records its default context; no other file names a source."""

from __future__ import annotations

import json
import sys

import pytest

from persona import cli
from persona.importers import sources
from persona.importers.pairing import PairingRules
from persona.importers.sources import all_sources, find_source, source_names

TSV_IMPORTER = '''"""Read a tab-separated chat log: one 'seconds<TAB>author<TAB>text' line per message."""

from pathlib import Path

from ..files import read_bytes
from ..messages import Export, Message, add_alias
from ..pairing import PairingRules
from ..source import Source


def read(path: Path) -> Export:
    export = Export([])
    for line in read_bytes(path).decode("utf-8").splitlines():
        seconds, author, text = line.split("\\t")
        add_alias(export.aliases, author)
        export.messages.append(Message("log", author, text, float(seconds)))
    return export


SOURCE = Source(name="tsv", label="tab-separated", read=read, aliases=("tab",), context="work_planning",
                rules=PairingRules(reply_window_s=60.0))
'''
TSV_EXPORT = "0\tbram\tdid you see the new colour?\n30\tada\tyes, it looks good\n" \
             "1000\tbram\tand the other one?\n1200\tada\tthat one too\n"
"""Ada answers 30 s after Bram, then 200 s after him: only the first is inside the tsv source's 60 s window."""


def _import_parser_choices() -> list[str]:
    parser = cli.build_parser()
    for word in ("data", "import"):
        parser = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices[word]
    [source] = [a for a in parser._actions if a.dest == "source"]
    return list(source.choices)


@pytest.fixture
def more_sources(tmp_path):
    """A second folder searched like persona/importers/sources/; the registry is read afresh with it and after."""
    folder = tmp_path / "more_sources"
    folder.mkdir()
    searched, loaded = sources.__path__, set(sys.modules)
    sources.__path__ = [*searched, str(folder)]
    all_sources.cache_clear()
    try:
        yield folder
    finally:
        sources.__path__ = searched
        for name in set(sys.modules) - loaded:
            if name.startswith(f"{sources.__name__}."):
                del sys.modules[name]
        all_sources.cache_clear()


def test_the_importers_shipped_are_registered():
    assert source_names() == ["discord", "email", "github", "jira", "linear", "mbox", "notes", "slack", "zendesk"]
    assert find_source("mbox") is find_source("email"), "'mbox' is an alias of 'email'"
    assert find_source("whatsapp") is None


@pytest.mark.parametrize("source", all_sources(), ids=lambda s: s.name)
def test_every_source_declares_its_reader_rules_and_context(source):
    assert callable(source.read), f"{source.name}: read must be the reader function"
    assert isinstance(source.rules, PairingRules), f"{source.name}: rules must be a PairingRules"
    assert source.context and source.label, f"{source.name}: a default context and a label are required"


def test_the_cli_offers_exactly_the_registered_names():
    assert _import_parser_choices() == source_names()


def test_one_module_is_a_new_importer(more_sources, tmp_path, capsys):
    (more_sources / "tsv.py").write_text(TSV_IMPORTER, encoding="utf-8")
    export, out = tmp_path / "chat.tsv", tmp_path / "pairs.jsonl"
    export.write_text(TSV_EXPORT, encoding="utf-8")
    assert {"tsv", "tab"} <= set(_import_parser_choices())
    assert cli.main(["data", "import", "tab", str(export), "--me", "ada", "--out", str(out)]) == 0, \
        capsys.readouterr().err
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["messages"][1]["content"] == "yes, it looks good", "the 200 s late answer is outside the window"
    assert record["metadata"]["source"] == "tsv" and record["metadata"]["context"] == "work_planning", record
    assert "dropped: no_context 1" in capsys.readouterr().out


def test_a_wrong_module_in_the_folder_is_named_with_every_other(more_sources):
    (more_sources / "stray.py").write_text("X = 1\n", encoding="utf-8")
    (more_sources / "copy.py").write_text(TSV_IMPORTER.replace('aliases=("tab",)', 'aliases=("slack",)'),
                                          encoding="utf-8")
    with pytest.raises(ValueError) as raised:
        all_sources()
    message = str(raised.value)
    assert "stray.py: no SOURCE = Source(...)" in message, message
    [twice] = [line for line in message.splitlines() if "name 'slack' is also declared by" in line]
    assert "copy.py" in twice and "sources/slack.py" in twice, message
