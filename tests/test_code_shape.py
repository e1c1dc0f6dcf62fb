"""The package's shape: no module over MAX_MODULE_LINES lines, no function over MAX_FUNCTION_LINES lines
(docstrings and comments included), so each file holds one concern and each function one step."""

import ast
from pathlib import Path

import persona

PACKAGE = Path(persona.__file__).parent
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 50


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if "shipped" not in p.relative_to(PACKAGE).parts)


def long_parts(path: Path) -> list[str]:
    """'module N lines' and 'function name N lines' for the parts of one file over the limits."""
    text = path.read_text(encoding="utf-8")
    found = []
    if len(text.splitlines()) > MAX_MODULE_LINES:
        found.append(f"{path.name}: {len(text.splitlines())} lines")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lines = node.end_lineno - node.lineno + 1
            if lines > MAX_FUNCTION_LINES:
                found.append(f"{path.name}: {node.name}() {lines} lines")
    return found


def test_no_module_or_function_over_the_limits():
    too_long = [part for path in _modules() for part in long_parts(path)]
    assert not too_long, "\n".join(too_long)


def test_the_limits_are_read_as_meant(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    planted = tmp_path / "big.py"
    planted.write_text(f"def short():\n    return 1\n\n\ndef big():\n{body}\n" + "\n" * MAX_MODULE_LINES)
    assert long_parts(planted) == [f"big.py: {MAX_MODULE_LINES + MAX_FUNCTION_LINES + 5} lines",
                                   f"big.py: big() {MAX_FUNCTION_LINES + 1} lines"]
    assert _modules(), "the package's modules were not found"
