"""Problems -> the lines people read and the exit code scripts read; the only place for both."""

from __future__ import annotations

from collections.abc import Iterable

from .model import Problem


class UserError(Exception):
    """Something a user can fix (a missing folder, a foreign output folder, a full disk).

    The CLI prints its message as one line and exits 1, never a traceback unless --debug.
    """


def format_problem(problem: Problem) -> str:
    """`path:line: severity: message`, the form editors and CI logs link to."""
    where = f"{problem.path}:{problem.line}" if problem.line else f"{problem.path}"
    return f"{where}: {problem.severity}: {problem.message}"


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.code, p.message))


def exit_code(problems: Iterable[Problem], *, strict: bool) -> int:
    severities = {p.severity for p in problems}
    failed = "error" in severities or (strict and "warning" in severities)
    return 1 if failed else 0
