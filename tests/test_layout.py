"""The package stands alone: a wheel carries the harness plugin, the toy data, the compression conversations
and the evals; installed without the repository, `persona evaluate` runs from another folder. `fixtures/`
holds data only, the evals import only the package, and the library reads nothing of the repository's layout.
"""
from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import ROOT

PACKAGE = ROOT / "persona"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_fixtures_hold_data_only():
    code = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "fixtures").rglob("*.py"))
    assert not code, f"code in fixtures/ (the harness lives in persona/harness/, test helpers in tests/): {code}"


def test_the_evals_import_only_the_package():
    for path in sorted((ROOT / "evals").glob("*.py")):
        own = {name for name in _imports(path) if name.split(".")[0] in ("evals", "tests", "fixtures", "conftest")}
        assert not own, f"{path.name} imports {sorted(own)}; shared eval helpers live in persona/harness/"


def test_the_library_never_reads_the_repository_layout():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "shipped" in path.relative_to(PACKAGE).parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert "parent.parent" not in text and "REPO_ROOT" not in text, (
            f"{path.relative_to(ROOT)} finds files through the repository; use persona.shipped or an explicit path")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the checkout (offline: the venv's setuptools, no build isolation)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("persona", "data", "fixtures", "evals"):
        shutil.copytree(ROOT / name, source / name, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                           "-q", "-w", str(out), str(source)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    [built] = out.glob("persona-*.whl")
    return built


def test_the_wheel_carries_the_plugin_the_data_and_the_evals(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        entries = archive.read(entry_points).decode()
    assert "[pytest11]" in entries and "persona = persona.harness" in entries, entries
    shipped = {n for n in names if n.startswith("persona/shipped/")}
    for path in (ROOT / "data/toy").glob("*.jsonl"):
        assert f"persona/shipped/toy/{path.name}" in shipped
    for path in (ROOT / "fixtures/conversations").glob("*.json"):
        assert f"persona/shipped/conversations/{path.name}" in shipped
    for path in (ROOT / "evals").glob("test_*.py"):
        assert f"persona/shipped/evals/{path.name}" in shipped
    assert "persona/harness/plugin.py" in names and not any(n.startswith(("fixtures/", "tests/")) for n in names)


@pytest.mark.slow
def test_an_installed_wheel_evaluates_from_another_folder(wheel, tmp_path):
    # Installed into its own folder ahead of the checkout on sys.path; run where no repository is. The model
    # cache is shared through PERSONA_CACHE, so the tiny model's training run is reused.
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target",
                           str(site), str(wheel)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # the installed copy comes first; what PYTHONPATH held stays behind it (a host's libraries may live there)
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path, "HF_HUB_OFFLINE": "1",
           "PERSONA_CACHE": str(ROOT / "models" / "cache")}
    where = subprocess.run([sys.executable, "-c", "import persona.shipped as s; print(s.EVALS)"], cwd=elsewhere,
                           env=env, capture_output=True, text=True, timeout=60)
    assert where.stdout.strip() == str(site / "persona/shipped/evals"), where.stdout + where.stderr
    done = subprocess.run([sys.executable, "-m", "persona.cli", "evaluate", "--model", "tiny"], cwd=elsewhere,
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 12, f"exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert "DECISION: INCOMPLETE" in done.stdout, done.stdout[-3000:]
    decision = json.loads((elsewhere / "models/toy-tiny/decision.json").read_text())
    assert decision["verdict"] == "INCOMPLETE" and not decision["failing"], decision
    assert (elsewhere / "models/evaluate-tiny.junit.xml").is_file()
