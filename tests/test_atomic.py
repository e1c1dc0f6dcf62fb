"""persona.atomic: a file or folder appears whole, or not at all."""

import pytest

from persona import atomic


def test_write_texts_writes_all_or_none(tmp_path, monkeypatch):
    first, second = tmp_path / "a" / "one.txt", tmp_path / "two.txt"
    second.write_text("old")
    real = atomic.os.replace
    calls = []

    def fail_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", fail_second)
    with pytest.raises(OSError):
        atomic.write_texts({second: "new", first: "x"})
    assert second.read_text() == "new"            # renamed before the failure
    assert not first.exists()
    assert [p.name for p in tmp_path.rglob("*.tmp")] == []     # no temporary left behind
    monkeypatch.undo()
    atomic.write_texts({first: "1", second: "2"})
    assert (first.read_text(), second.read_text()) == ("1", "2")


def test_directory_replaces_only_on_success(tmp_path):
    target = tmp_path / "final"
    target.mkdir()
    (target / "old").write_text("old")
    with pytest.raises(RuntimeError), atomic.directory(target) as tmp:
        (tmp / "half").write_text("half")
        raise RuntimeError("killed")
    assert [p.name for p in target.iterdir()] == ["old"]
    assert not target.with_name("final.partial").exists()
    with atomic.directory(target) as tmp:
        (tmp / "new").write_text("new")
    assert [p.name for p in target.iterdir()] == ["new"]
