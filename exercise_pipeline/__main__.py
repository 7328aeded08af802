"""``python -m exercise_pipeline``: the same as the ``pipeline`` command."""

from exercise_pipeline.cli import main

main()
