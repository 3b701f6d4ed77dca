"""Errors raised by the canonical model when a value breaks an invariant."""

from __future__ import annotations

from dataclasses import dataclass

from intacct_bridge.errors import BridgeError


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """One problem with one field: the field's path (``lines[2].quantity``) and why."""

    #: dotted path of the field inside the record, ``""`` for the record as a whole
    field: str
    #: what is wrong and how to fix it, as one sentence a person can act on
    reason: str

    def within(self, prefix: str) -> FieldIssue:
        """The same issue seen from a parent record whose field ``prefix`` holds this one."""
        if not prefix:
            return self
        field = f"{prefix}.{self.field}" if self.field else prefix
        if self.field.startswith("["):
            field = f"{prefix}{self.field}"
        return FieldIssue(field, self.reason)


class ModelError(BridgeError, ValueError):
    """A canonical value was built with a field that breaks one of its rules."""

    def __init__(self, field: str, reason: str, fix: str) -> None:
        self.field = field
        self.reason = reason
        self.fix = fix
        super().__init__(f"{field}: {reason}; {fix}")

    @property
    def issue(self) -> FieldIssue:
        """This error as a field issue (reason and fix in one sentence)."""
        return FieldIssue(self.field, f"{self.reason}; {self.fix}")
