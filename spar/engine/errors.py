"""Typed errors of the scoring core, written for people and mapped once at the edges."""

from __future__ import annotations

from dataclasses import dataclass


class EngineError(Exception):
    """Base of every error the scoring core raises on purpose."""


@dataclass(frozen=True)
class AnswerProblem:
    """One malformed answer: which offer, which input, why."""

    offer: str | None
    input: str | None
    reason: str

    def __str__(self) -> str:
        where = []
        if self.offer is not None:
            where.append(f"offre {self.offer}")
        if self.input is not None:
            where.append(f"réponse « {self.input} »")
        return (", ".join(where) + " : " if where else "") + self.reason

    def to_dict(self) -> dict:
        return {"offer": self.offer, "input": self.input, "reason": self.reason}


class AnswersError(EngineError):
    """Some answers are malformed; nothing was scored."""

    def __init__(self, problems: list[AnswerProblem]):
        self.problems = list(problems)
        head = f"{len(self.problems)} réponse(s) invalide(s)"
        super().__init__(head + " :\n" + "\n".join(f"  {p}" for p in self.problems[:50])
                         + ("\n  …" if len(self.problems) > 50 else ""))


# The errors below also derive from ValueError, which callers written before they existed
# caught; new code catches them by name.
class AnswerValueError(EngineError, ValueError):
    """One answer cannot be read as the kind its criterion expects (``12,5.3`` as a
    number…); the message says why, for the offer and input the caller names."""


class AssumptionsError(EngineError, ValueError):
    """A self-assessment's assumptions about the competition are malformed."""


class GainSearchError(EngineError, ValueError):
    """A what-if question cannot be asked: a criterion that is not one, a value of the
    wrong kind, a gain that is not a positive number."""


class AnalysisSettingError(EngineError, ValueError):
    """A setting of the robustness analysis is out of its range."""
