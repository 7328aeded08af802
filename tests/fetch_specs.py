"""Fetch the CommonMark and GFM spec examples that tests/test_markdown_conformance.py reads.

They ship in the source distribution of markdown-it-py (``tests/test_cmark_spec/commonmark.json``,
the CommonMark spec's examples, and ``tests/test_port/fixtures/tables.md``, the GFM table
examples with markdown-it's own). ``make test`` runs this once at install, downloading the
sdist of the installed version from the package registry; the spec text (CC-BY-SA) is never
committed. Usage: ``python tests/fetch_specs.py DEST``.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import tarfile
import tempfile
from importlib.metadata import version
from pathlib import Path

WANTED = {
    "tests/test_cmark_spec/commonmark.json": "commonmark.json",
    "tests/test_port/fixtures/tables.md": "gfm-tables.md",
}

log = logging.getLogger("fetch_specs")


def fetch(dest: Path) -> None:
    pinned = f"markdown-it-py=={version('markdown-it-py')}"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary",
             ":all:", pinned, "-d", tmp],
            check=True,
        )  # fmt: skip
        (sdist,) = Path(tmp).glob("*.tar.gz")
        dest.mkdir(parents=True, exist_ok=True)
        with tarfile.open(sdist) as tar:
            for member in tar.getmembers():
                inner = member.name.split("/", 1)[-1]
                if inner in WANTED and (data := tar.extractfile(member)) is not None:
                    (dest / WANTED[inner]).write_bytes(data.read())
    missing = [name for name in WANTED.values() if not (dest / name).exists()]
    if missing:
        raise SystemExit(f"{pinned} has no {', '.join(missing)}: update tests/fetch_specs.py")
    (dest / "SOURCE").write_text(f"{pinned} (sdist)\n", encoding="utf-8")
    log.info("spec examples of %s in %s", pinned, dest)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    fetch(Path(sys.argv[1]))
