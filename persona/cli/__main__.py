"""`python -m persona.cli`: the `persona` command, run from a checkout or a venv without its script."""
import sys

from persona.cli import main

if __name__ == "__main__":
    sys.exit(main())
