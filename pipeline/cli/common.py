"""What the commands share: logging to stderr, progress bars, consoles, common options."""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from pipeline.executors import cores
from pipeline.runner import Progress as ProgressCallback

err = Console(stderr=True)
if not err.is_terminal:  # logs and pipes: wide enough that tables do not wrap
    err = Console(stderr=True, width=120)
FC = TypeVar("FC", bound=Callable[..., Any])


# C0 controls but tab and newline, DEL, C1 controls (ESC starts every terminal sequence).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(value: Any) -> Any:
    """Article text made safe to print: control and escape characters removed, recursively
    (an article's "ESC]0;..." must not retitle or clear a curator's terminal).

    >>> terminal_safe({"t": ["a\x1b]0;x\x07b", "ok"]})
    {'t': ['a]0;xb', 'ok']}
    """
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, list):
        return [terminal_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: terminal_safe(v) for k, v in value.items()}
    return value


def configure_logging(quiet: bool, verbose: bool) -> None:
    """Plain one-line messages on stderr (``error: raw/a.txt: is empty``), easy to grep."""
    level = logging.ERROR if quiet else logging.DEBUG if verbose else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.addLevelName(logging.WARNING, "warning")
    logging.addLevelName(logging.ERROR, "error")
    logging.addLevelName(logging.INFO, "info")
    logging.addLevelName(logging.DEBUG, "debug")


def wide_console() -> Console:
    """Tables on stdout, at least 120 columns wide so that they do not wrap in pipes."""
    return Console(width=max(120, Console().width))


@contextmanager
def progress_bar(enabled: bool) -> Iterator[ProgressCallback]:
    """A progress callback for the runner: files done, mentions found, files per second."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[mentions]} mentions, {task.fields[rate]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True, disable=not enabled) as bar:
        tasks: dict[str, tuple[TaskID, float]] = {}

        def update(stage: str, done: int, total: int, mentions: int) -> None:
            if stage not in tasks:
                task = bar.add_task(stage, total=total, mentions=mentions, rate="")
                tasks[stage] = (task, time.perf_counter())
            task, started = tasks[stage]
            elapsed = time.perf_counter() - started
            rate = f"{done / elapsed:.1f} {stage}/s" if elapsed > 0 and done else ""
            bar.update(task, completed=done, total=total, mentions=mentions, rate=rate)

        yield update


RAW_OPTION = click.option(
    "--raw", "raw_dir", type=click.Path(path_type=Path), default=Path("raw"),
    show_default=True, help="Folder of article files (and sources.json).",
)  # fmt: skip
OUT_OPTION = click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), default=Path("output"),
    show_default=True, help="Folder the dataset is built into.",
)  # fmt: skip
DECISIONS_OPTION = click.option(
    "--decisions", "decisions_path", type=click.Path(path_type=Path),
    default=Path("review/decisions.json"), show_default=True,
    help="Review decisions applied on every build.",
)  # fmt: skip
IDS_OPTION = click.option(
    "--ids", "ids_path", type=click.Path(path_type=Path), default=None,
    help="Id registry of the last build [default: OUT/ids.json].",
)  # fmt: skip
JOBS_OPTION = click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=cores, show_default="the cores",
    help="Processes for the per-source work (parse, clean, extract); same output for any N.",
)  # fmt: skip
CACHE_OPTIONS = (
    click.option(
        "--cache-dir", type=click.Path(path_type=Path), default=Path(".cache"),
        show_default=True, help="Cache of per-source work, by content hash.",
    ),
    click.option("--no-cache", is_flag=True, help="Rebuild every source from scratch."),
)  # fmt: skip


def cache_options(f: FC) -> FC:
    """--cache-dir and --no-cache."""
    for option in reversed(CACHE_OPTIONS):
        f = option(f)
    return f
