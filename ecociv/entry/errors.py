"""Refusals of the entry workflow, with messages fit to show the user (pages, API, commands)."""
from __future__ import annotations


class EntryError(ValueError):
    """A refused action, with a message fit to show the user."""


class ValueLocked(EntryError):
    """The one lock rule (models.lock_message) refused a change of a value's content."""


class ValueConflict(EntryError):
    """The value changed since the form (or API client) read it: nothing was overwritten."""

    def __init__(self, message: str, *, current=None):
        self.current = current
        super().__init__(message)


class SubmitBlocked(EntryError):
    def __init__(self, problems: list):
        self.problems = problems
        lines = [f"{ind.code} {ind.name}：{f.message}" for ind, f in problems]
        super().__init__("存在须先处理的问题，未提交：\n" + "\n".join(lines))


class ApproveBlocked(EntryError):
    """Approving would lock a value that fails a blocking check (or was made by the approver)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("不能审核通过：\n" + "\n".join(problems))
