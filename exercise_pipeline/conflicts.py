"""What the review queue holds: the kinds of conflict, and the fields a curator's "prefer"
decision can settle. A module of its own so that the command line knows them without
importing the stages."""

CONFLICT_KINDS = ("field", "merge", "name", "unnamed")
DECIDABLE_FIELDS = (
    "hold_seconds", "hold_breaths", "duration_seconds", "repetitions", "sets", "frequency",
    "position", "equipment", "category", "steps",
)  # fmt: skip
