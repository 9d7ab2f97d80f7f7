"""`python -m aligned SRC TGT`: see aligned.cli."""

import sys

from .cli import main

sys.exit(main())
