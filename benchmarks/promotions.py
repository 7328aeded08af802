"""Drug and product promotions spliced into instructions: how many the cleaner removes, and
how many instruction sentences it loses beside them.

    .venv/bin/python benchmarks/promotions.py [LIST]

LIST (default ``benchmarks/data/promotions.txt``) holds one promotion per line, each naming
a made-up brand that no vocabulary of the package holds. No rule was written from the
default list (its first 20 lines were written before the product shapes were last widened,
the other 20 after, both scored only): its figure is the estimate for promotions nobody
wrote a rule from. Each line is spliced between two instruction sentences of a one-exercise
article and cleaned as a build cleans it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exercise_pipeline.clean import clean  # noqa: E402
from exercise_pipeline.parse import parse  # noqa: E402
from exercise_pipeline.sources import RawFile, SourcesSettings, decode  # noqa: E402

STEPS = ("Lie on your back with your knees bent.", "Hold for 20 seconds and repeat twice.")


def kept(promotion: str) -> str:
    text = f"Knee to Chest\n\n{STEPS[0]} {promotion} {STEPS[1]}\n"
    doc = decode(RawFile("bench.txt", text.encode(), None), SourcesSettings())
    return "\n".join(b.text for b in clean(parse(doc)).blocks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("list", nargs="?", type=Path, default=ROOT / "benchmarks" / "data" /
                        "promotions.txt")  # fmt: skip
    args = parser.parse_args()
    promotions = [line.strip() for line in args.list.read_text().splitlines() if line.strip()]
    removed = lost = 0
    missed: list[str] = []
    for promotion in promotions:
        text = kept(promotion)
        if promotion in text:
            missed.append(promotion)
        else:
            removed += 1
        lost += sum(step not in text for step in STEPS)
    print(f"\nspliced promotions ({args.list.name}): removed {removed}/{len(promotions)} "
          f"({removed / len(promotions):.0%}), instruction sentences lost "
          f"{lost}/{2 * len(promotions)}")  # fmt: skip
    for promotion in missed:
        print(f"  kept: {promotion}")


if __name__ == "__main__":
    main()
