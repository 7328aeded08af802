"""Publish stage: the only writer of output files. Atomic and deterministic.

Every file is rendered first (sorted keys, two-space indent, UTF-8, a final newline), written to
a temporary file in the target folder, flushed to disk, then renamed over the old file: a failed
or killed build leaves the last good dataset in place. Files whose bytes did not change are not
rewritten.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PublishSettings:
    """indent: JSON indentation; the output contract uses 2."""

    indent: int = 2


def render_json(obj: Any, *, indent: int = 2) -> bytes:
    """Stable JSON bytes: sorted keys, no ASCII escaping, trailing newline."""
    return (json.dumps(obj, indent=indent, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data`` atomically; False when it already held exactly that."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; published files are readable
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def publish(
    files: Mapping[str, Any | bytes], out_dir: Path, *, settings: PublishSettings | None = None
) -> list[Path]:
    """Write each ``name -> document`` (JSON) or ``name -> bytes`` into ``out_dir``.

    All files are rendered before any is written, so a rendering error writes nothing.
    Returns the files that changed.
    """
    settings = settings or PublishSettings()
    rendered = {
        name: doc if isinstance(doc, bytes) else render_json(doc, indent=settings.indent)
        for name, doc in files.items()
    }
    changed = []
    for name in sorted(rendered):
        path = out_dir / name
        if write_atomic(path, rendered[name]):
            changed.append(path)
            log.info("wrote %s (%d bytes)", path, len(rendered[name]))
    return changed


def write_folder(files: Mapping[str, bytes], target: Path) -> Path:
    """Create folder ``target`` holding ``files``, all at once: the files are written into a
    temporary sibling folder that is renamed into place. An existing ``target`` is an error."""
    if target.exists():
        raise FileExistsError(f"{target} already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        tmp.chmod(0o777 & ~_umask())
        for name in sorted(files):
            write_atomic(tmp / name, files[name])
        tmp.rename(target)
    except BaseException:
        for path in tmp.iterdir():
            path.unlink(missing_ok=True)
        tmp.rmdir()
        raise
    log.info("wrote %s (%d files)", target, len(files))
    return target
