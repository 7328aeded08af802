"""Errors that name the input at fault and say what to do next."""

from __future__ import annotations


class PipelineError(Exception):
    """An error about one input: ``where`` (a file or record), ``problem`` and a ``hint``."""

    def __init__(self, where: str, problem: str, hint: str = "") -> None:
        self.where = where
        self.problem = problem
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.where}: {self.problem}"
        return f"{text} ({self.hint})" if self.hint else text


class SourceError(PipelineError):
    """A source file that cannot be read, decoded or parsed; ``source_id`` when known."""

    def __init__(
        self, where: str, problem: str, hint: str = "", *, source_id: str | None = None
    ) -> None:
        self.source_id = source_id
        super().__init__(where, problem, hint)


class DecisionError(PipelineError):
    """An invalid entry in the review decisions file."""
