"""The evaluation harness as a pytest plugin: options, markers, criterion properties, session fixtures,
and the PROCEED / ADJUST / PIVOT verdict printed and written at the end of the session.

    pytest evals -m gpu                     # real model on CUDA (default unsloth/Qwen3-1.7B)
    pytest -m cpu_smoke                     # tiny offline model on CPU
    pytest evals --model synthetic:qwen3-1.7b --junitxml=J.xml
"""
from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).parent
pytest_plugins = ["fixtures.harness", "fixtures.compression"]
