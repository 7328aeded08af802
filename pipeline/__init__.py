"""exercise-pipeline: scraped exercise articles in, a canonical, schema-checked dataset out.

Stages (one module each): sources -> parse -> clean -> extract -> merge -> validate -> publish,
chained by ``pipeline.runner``; ``pipeline.cli`` is the command line on top.
"""

__version__ = "0.1.0"
