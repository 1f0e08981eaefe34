"""Errors that ipsim reports to its users."""

from __future__ import annotations


class IpsimError(Exception):
    """Base class of every error ipsim raises on purpose."""


class ScenarioError(IpsimError):
    """A scenario (file or object) is invalid.

    Attributes:
        source: The file the problem is in, or ``None`` for an object built in Python.
        problems: One entry per problem: ``(field path, line or None, message)``.
    """

    def __init__(self, source: str | None, problems: list[tuple[str, int | None, str]]):
        self.source = source
        self.problems = sorted(problems, key=lambda p: (p[1] is None, p[1] or 0))
        super().__init__(self.render())

    def render(self) -> str:
        """Return the message a user reads: file, line, field path, and what is allowed."""
        where = self.source or "scenario"
        lines = [
            f"{where}: invalid scenario ({len(self.problems)} problem"
            f"{'s' if len(self.problems) != 1 else ''})"
        ]
        for path, line, message in self.problems:
            location = f"line {line}, " if line is not None else ""
            field = f"field '{path}'" if path else "document"
            lines.append(f"  {location}{field}: {message}")
        return "\n".join(lines)


class UnknownNameError(IpsimError, ValueError):
    """A strategy or intervention name that is not registered."""
