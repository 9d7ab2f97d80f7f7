"""`python -m eval translation|alignment`: the same as `fr-en-score`, see eval.cli."""

from eval.cli import main

raise SystemExit(main(prog="python -m eval"))
