"""What the commands share: logging to stderr, progress bars, consoles, common options.

The command modules import only click and this module at start: rich and the pipeline's
stages are imported by the command that runs, so ``pipeline --version`` and ``--help`` start
in a fraction of the time a build takes to import.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console

    from exercise_pipeline.runner import Progress as ProgressCallback

FC = TypeVar("FC", bound=Callable[..., Any])


def lazy_module(name: str) -> ModuleType:
    """The module, imported when one of its attributes is first used (importlib's LazyLoader):
    what only some commands need is not imported to print --help."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None, name
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@functools.cache
def stderr_console() -> Console:
    """The console for messages and tables on stderr, made on first use."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:  # logs and pipes: wide enough that tables do not wrap
        console = Console(stderr=True, width=120)
    return console


class _Stderr:
    """``err.print(...)``: the stderr console's methods, without importing rich at start."""

    def __getattr__(self, name: str) -> Any:
        return getattr(stderr_console(), name)


err: Console = _Stderr()  # type: ignore[assignment]


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
    from rich.console import Console

    return Console(width=max(120, Console().width))


@contextmanager
def progress_bar(enabled: bool) -> Iterator[ProgressCallback]:
    """A progress callback for the runner: files done, mentions found, files per second."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[mentions]} mentions, {task.fields[rate]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=stderr_console(), transient=True, disable=not enabled) as bar:
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
    "-j", "--jobs", type=click.IntRange(min=1), default=lambda: _cores(),
    show_default="the cores",
    help="Processes for the per-source work (parse, clean, extract); same output for any N.",
)  # fmt: skip


EXECUTOR_OPTION = click.option(
    "--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
    help="Who runs the per-source work: this machine's processes (--jobs), or a Dask cluster "
    "(dask.distributed; --jobs workers of a local cluster unless --scheduler is given).",
)  # fmt: skip
SCHEDULER_OPTION = click.option(
    "--scheduler", metavar="ADDRESS", default=None,
    help="The Dask scheduler to send the work to (tcp://host:8786); with --executor dask.",
)  # fmt: skip


def _cores() -> int:
    from exercise_pipeline.executors import cores

    return cores()


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
