"""The evaluation harness, a pytest plugin registered through the `pytest11` entry point. This module is the
entry: light, and inert unless asked. In every pytest session it adds the `--persona-*` options and the eval
markers and nothing else: no torch, no environment change. The harness starts (the session plugins below are
registered, and their `pytest_configure` runs) when a `--persona-*` option is given or when a module with a
test marked `criterion` is collected, before its tests are made. Then the criterion tests get their selection
marks (`cpu_smoke`, `cpu_real`, `gpu`) from the registry (persona.criteria.selections).

    options      the --persona-* options, read without importing anything heavy
    plugin       eval markers' checks, early stops, phase timing, the verdict
    criterion    the `criterion` fixture (checks against persona.criteria), skips, each test's outcome
    training     the session's training config, training attempt and fine-tuned model
    answers      the held-out prompts and the fine-tuned and base models' answers, generated once
    compression  the compression sets (hand-written and generated) and the summarizer under test
    live         progress lines (training and generation ETAs) shown past pytest's output capture

The generated compression sets it loads are data makers of their own (persona.evalsets).
"""
import pytest

from persona.harness.options import add_harness_options, asked

SESSION_PLUGINS = ["persona.harness.plugin", "persona.harness.criterion", "persona.harness.training",
                   "persona.harness.answers", "persona.harness.compression", "persona.harness.live"]
ACTIVE = pytest.StashKey[bool]()
"""In config.stash: whether the harness has started in this session."""
LOOKED_AT = pytest.StashKey[set]()
"""In config.stash: node ids of the modules already looked at for criterion tests."""
SELECTIONS = {"cpu_smoke": "on CPU with the tiny offline model (CI)",
              "cpu_real": "on CPU with real weights, smollm2-135m (CI; the CPU main job)",
              "gpu": "with a real or synthetic model on a CUDA GPU"}
"""The eval selections (`pytest -m ...`), registered here so that any repository using the plugin has them."""


def pytest_addoption(parser):
    add_harness_options(parser)


def pytest_configure(config):
    config.addinivalue_line("markers", "criterion(id, kinds=None): the exit criterion a test checks "
                                       "(persona.criteria); kinds widens the model kinds it runs under")
    config.addinivalue_line("markers", "figure(name, kinds=('real',)): a run figure recorded, not judged "
                                       "(decision.json figures), selected like a criterion test of those kinds")
    for marker, runs in SELECTIONS.items():
        config.addinivalue_line("markers", f"{marker}: exit-criteria eval that runs {runs} (added from the registry)")
    if asked(config):
        start(config)


def start(config) -> None:
    """Register the session plugins once; pytest_configure is historic, so theirs runs now."""
    if config.stash.get(ACTIVE, False):
        return
    config.stash[ACTIVE] = True
    for name in SESSION_PLUGINS:
        config.pluginmanager.import_plugin(name)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector, name, obj):
    """Start the harness when the module being collected has a criterion test, before any of its items exist
    (so that they see the session fixtures)."""
    config = collector.config
    module = collector.getparent(pytest.Module)
    looked_at = config.stash.setdefault(LOOKED_AT, set())
    if config.stash.get(ACTIVE, False) or module is None or module.nodeid in looked_at:
        return
    looked_at.add(module.nodeid)
    if _has_criterion(module.obj):
        start(config)


def _has_criterion(module) -> bool:
    values = [module, *vars(module).values()]
    for value in [*values, *(v for c in values if isinstance(c, type) for v in vars(c).values())]:
        marks = getattr(value, "pytestmark", [])
        if any(getattr(m, "name", "") == "criterion" for m in (marks if isinstance(marks, list) else [marks])):
            return True
    return False


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Each criterion test's selection marks, from its criterion's kinds and hardware (before `-m` selects).

    A run figure (`@pytest.mark.figure`: recorded, not judged) runs where its model kinds can measure it. A test
    without a criterion or figure in a module of criterion tests checks the harness's own records of a full run
    (the GPU memory log): it runs in the gpu selection only."""
    if not config.stash.get(ACTIVE, False):
        return
    from persona.criteria import selections

    marked = {item: item.get_closest_marker("criterion") for item in items}
    eval_modules = {item.module for item, marker in marked.items() if marker and hasattr(item, "module")}
    for item, marker in marked.items():
        record = config.persona_criteria.get(marker.args[0]) if marker else None
        figure = item.get_closest_marker("figure")
        if record is not None:
            names = selections(record, marker.kwargs.get("kinds"))
        elif figure is not None:
            kinds = figure.kwargs.get("kinds", ("real",))  # what the kinds can measure; no CUDA needed
            names = ("cpu_smoke",) * ("tiny" in kinds) + ("cpu_real",) * ("real" in kinds) + ("gpu",)
        else:
            names = ("gpu",) if marker is None and getattr(item, "module", None) in eval_modules else ()
        for name in names:
            item.add_marker(name)
