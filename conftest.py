"""The evaluation harness is the installed package's pytest plugin (persona/harness/, registered through the
`pytest11` entry point in pyproject.toml), so this repository's tests and evals get it like any other
repository would: options, markers, session fixtures and the PROCEED / ADJUST / PIVOT / INCOMPLETE verdict.

    pytest evals -m gpu                     # real model on CUDA (default unsloth/Qwen3-1.7B)
    pytest -m cpu_smoke                     # tiny offline model on CPU
    pytest evals --persona-model synthetic:qwen3-1.7b --junitxml=J.xml
"""
