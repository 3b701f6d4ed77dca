"""The Intacct XML API client (library-grade; swappable httpx transport)."""

from __future__ import annotations

from intacct_bridge.intacct import functions
from intacct_bridge.intacct.client import (
    DEFAULT_ENDPOINT,
    IntacctClient,
    IntacctConfig,
    RetryPolicy,
    redact,
)
from intacct_bridge.intacct.envelope import Function, FunctionResult, Response
from intacct_bridge.intacct.errors import (
    ErrorEntry,
    IntacctAuthError,
    IntacctBusinessError,
    IntacctError,
    IntacctOutcomeUnknownError,
    IntacctPagingError,
    IntacctPolicyError,
    IntacctProtocolError,
    IntacctRateLimitError,
    IntacctRequestError,
    IntacctSessionError,
    IntacctTransportError,
)
from intacct_bridge.intacct.limits import CompanyLimiter, limiter_key, process_limiter

__all__ = [
    "DEFAULT_ENDPOINT",
    "CompanyLimiter",
    "ErrorEntry",
    "Function",
    "FunctionResult",
    "IntacctAuthError",
    "IntacctBusinessError",
    "IntacctClient",
    "IntacctConfig",
    "IntacctError",
    "IntacctOutcomeUnknownError",
    "IntacctPagingError",
    "IntacctPolicyError",
    "IntacctProtocolError",
    "IntacctRateLimitError",
    "IntacctRequestError",
    "IntacctSessionError",
    "IntacctTransportError",
    "Response",
    "RetryPolicy",
    "functions",
    "limiter_key",
    "process_limiter",
    "redact",
]
