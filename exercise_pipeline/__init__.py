"""exercise-pipeline: scraped exercise articles in, a canonical, schema-checked dataset out.

Stages (one module each): sources -> parse -> clean -> extract -> merge -> validate -> publish,
chained by ``exercise_pipeline.runner``; ``exercise_pipeline.cli`` is the command line on top.
"""

__version__ = "0.1.0"
