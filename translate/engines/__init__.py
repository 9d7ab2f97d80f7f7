"""Where a run's model work happens (``translate --engine``).

``local``: in the ``translate`` process, as always. ``ray``: on a Ray cluster, local or remote
(``translate.engines.ray_engine``); the ``translate`` process still reads the documents, keeps the
cache and writes every file, so both engines write the same bytes.
"""

ENGINES = ("local", "ray")
