"""`python -m aligned SRC TGT`: the same as `align-sentences`, see aligned.cli."""

import sys

from .cli import main

sys.exit(main(prog="python -m aligned"))
