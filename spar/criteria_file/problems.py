"""A located problem of a criteria file, and the error that carries all of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem of a criteria file; problems sort by line, then column."""

    line: int
    column: int
    severity: str  # "error" | "warning"
    message: str
    file: str = field(default="<criteria>", compare=False)
    path: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "severity": self.severity,
                "message": self.message, "path": self.path}


class CriteriaFileError(Exception):
    """A criteria file has errors; ``problems`` has all of them, warnings included."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]
