"""One JSON error shape for the whole REST API, and the exception that carries it.

Every refusal is ``{"error": CODE, "message": TEXT, "problems": [{"field", "reason"}…]}``:
``field`` is the path inside the request body (``[2].lines[0].quantity`` in a list), and
``reason`` says what is wrong and how to fix it. ``problems`` is empty when the refusal is
about the request as a whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from intacct_bridge.model.errors import FieldIssue

#: at most this many problems in one error body
MAX_PROBLEMS = 200


class Problem(BaseModel):
    """One problem with one field of the request body."""

    field: str = Field(description="path inside the body; empty for the record as a whole")
    reason: str = Field(description="what is wrong and how to fix it")
    record: str | None = Field(default=None, description="the record (``item W-100``)")


class ErrorBody(BaseModel):
    """Every error response of the API."""

    error: str = Field(description="a stable code: unauthorized, invalid, conflict …")
    message: str
    problems: list[Problem] = Field(default_factory=list)


class ApiError(Exception):
    """Raised by the API's routes and dependencies; answered as :class:`ErrorBody`."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        problems: Iterable[Problem] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.problems = list(problems)[:MAX_PROBLEMS]
        self.headers = headers

    def response(self) -> JSONResponse:
        body = ErrorBody(error=self.code, message=self.message, problems=self.problems)
        return JSONResponse(body.model_dump(), self.status, headers=self.headers)


def problems_of(
    issues: Sequence[FieldIssue], prefix: str = "", record: str | None = None
) -> list[Problem]:
    """Field issues as problems, their paths under ``prefix`` (``[3]`` in a list)."""
    return [
        Problem(field=_under(prefix, issue.field), reason=issue.reason, record=record)
        for issue in issues
    ]


def _under(prefix: str, field: str) -> str:
    if not prefix:
        return field
    if not field:
        return prefix
    return f"{prefix}{field}" if field.startswith("[") else f"{prefix}.{field}"


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return exc.response()


#: the error statuses every route may answer, for the OpenAPI document
ERROR_STATUSES: dict[int, str] = {
    400: "malformed body (not JSON, nested too deeply, not UTF-8)",
    401: "missing, malformed, unknown or revoked API key",
    403: "the API key lacks the scope",
    404: "no such kind or record",
    409: "conflicts with what is stored",
    413: "body too large",
    415: "body is not application/json",
    422: "the body is JSON but not a valid record (each problem named)",
    503: "the database stayed busy; send the same request again (nothing was written)",
}


def error_responses(
    *statuses: int, extra: dict[int | str, dict[str, Any]] | None = None
) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: the given error statuses with :class:`ErrorBody`."""
    found: dict[int | str, dict[str, Any]] = dict(extra or {})
    for status in statuses:
        found[status] = {"model": ErrorBody, "description": ERROR_STATUSES[status]}
    return found


__all__ = [
    "ApiError",
    "ErrorBody",
    "Problem",
    "api_error_handler",
    "error_responses",
    "problems_of",
]
