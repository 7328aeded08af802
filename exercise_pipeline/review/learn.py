"""``pipeline review learn``: the merger learns from what the curator decided.

The labelled articles' blocked pairs, labelled by their gold clusters and, where a curator
said ``same`` or ``different`` about two of their mentions, by the decision, refit the
pair-score weights (``merge.fit``). Before writing them beside the decisions, where builds
read them, it measures both weights leave-one-source-out on the labelled articles and
rebuilds the dataset in memory with each, to say how many of the queue's merge items the new
weights decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exercise_pipeline.decisions import load_decisions
from exercise_pipeline.evaluation import PairwiseScore
from exercise_pipeline.merge import MergeSettings, fitted
from exercise_pipeline.merge.fit import decision_labels, dump, fit, labelled
from exercise_pipeline.publish import write_atomic
from exercise_pipeline.runner import TEAM_WEIGHTS, Settings, build_in_memory


@dataclass(frozen=True)
class Learned:
    """What a refit found: pairs, held-out scores before and after, the queue's merge items
    before and how many the new weights decide, and where the weights went."""

    pairs: int
    same: int
    decided_pairs: int
    before: PairwiseScore
    after: PairwiseScore
    queued: int
    decided: int
    path: Path
    changed: bool

    def lines(self) -> list[str]:
        def figures(r: PairwiseScore) -> str:
            return f"P={r.precision:.3f} R={r.recall:.3f} F1={r.f1:.3f}"

        what = "wrote" if self.changed else "unchanged:"
        return [
            f"fitted on {self.pairs} labelled pairs ({self.same} same), "
            f"{self.decided_pairs} of them labelled by decisions",
            f"pairwise on the labelled articles: the weights in use {figures(self.before)}; "
            f"refitted, each source held out, {figures(self.after)}",
            f"of {self.queued} merge items in the queue, the new weights decide {self.decided}",
            f"{what} {self.path}; every build reads it from now on (delete it to go back)",
        ]


def learn(
    gold: Path,
    articles: list[Path],
    decisions_path: Path,
    *,
    raw_dir: Path,
    out_dir: Path,
    cache_dir: Path | None,
) -> Learned:
    decisions = load_decisions(decisions_path)
    data = labelled(gold, articles, decisions)
    path = decisions_path.parent / TEAM_WEIGHTS
    current = fitted(path) if path.is_file() else fitted()
    new = fit(list(data.pairs))
    before = data.held_out(dict.fromkeys(data.sources, current))
    after = data.held_out(data.leave_one_source_out())
    queued, decided = _queue_change(raw_dir, out_dir, decisions_path, cache_dir, current, new)
    said = decision_labels(decisions)
    text = dump(new, list(data.pairs))
    path.parent.mkdir(parents=True, exist_ok=True)
    changed = write_atomic(path, text.encode())
    return Learned(
        pairs=len(data.pairs),
        same=sum(p.same for p in data.pairs),
        decided_pairs=sum(frozenset((p.a, p.b)) in said for p in data.pairs),
        before=before,
        after=after,
        queued=queued,
        decided=decided,
        path=path,
        changed=changed,
    )


def _queue_change(
    raw_dir: Path,
    out_dir: Path,
    decisions_path: Path,
    cache_dir: Path | None,
    current: MergeSettings,
    new: MergeSettings,
) -> tuple[int, int]:
    """Merge items of the dataset's queue under the current weights, and how many of them
    are no longer queued under the new ones (merged, or kept apart)."""
    if not raw_dir.is_dir():
        return 0, 0
    keys = []
    for weights in (current, new):
        result, _, _ = build_in_memory(
            raw_dir, out_dir, decisions_path=decisions_path, cache_dir=cache_dir,
            settings=Settings(merge=weights),
        )  # fmt: skip
        keys.append({c.key for c in result.merge.conflicts if c.kind == "merge"})
    return len(keys[0]), len(keys[0] - keys[1])
