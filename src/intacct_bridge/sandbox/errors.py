"""Exact Intacct error shapes raised inside the sandbox.

Each factory returns a :class:`SandboxError` whose ``details`` serialise to the
``<errormessage><error>…`` block the real gateway returns. The *level* decides
where the block goes (see ``intacct-xml-api.md`` §4):

* ``ControlError`` — nothing runs; ``/response/errormessage``, no ``operation``;
* ``AuthenticationError`` — no function runs; ``operation/errormessage``;
* ``FunctionError`` — only that function fails; ``result/errormessage``.

Texts marked *(inferred)* in ``docs/sandbox.md`` are not verbatim Intacct texts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """One ``<error>`` element."""

    errorno: str
    description: str = ""
    description2: str = ""
    correction: str = ""


class SandboxError(Exception):
    """An Intacct-shaped failure; ``details`` are emitted in order."""

    http_status: int = 200

    def __init__(self, *details: ErrorDetail, http_status: int | None = None) -> None:
        self.details = details
        if http_status is not None:
            self.http_status = http_status
        super().__init__("; ".join(d.description2 or d.description or d.errorno for d in details))


class ControlError(SandboxError):
    """Control-level failure: the whole request is refused."""


class AuthenticationError(SandboxError):
    """Authentication failure: the operation runs no function."""


class FunctionError(SandboxError):
    """One function failed."""


# --- control level ---------------------------------------------------------------------------


def parse_error(message: str, line: int = 0, column: int = 0) -> ControlError:
    where = f" Line: {line}, column: {column}." if line else ""
    return ControlError(
        ErrorDetail(
            "XL03000003",
            "XML Parse schema error",
            f"XML Parse schema error: Fatal Error: {message}.{where}",
            "Correct the XML so that it is well-formed and follows the request schema.",
        )
    )


def schema_error(message: str) -> ControlError:
    return ControlError(
        ErrorDetail(
            "XL03000003",
            "XML Parse schema error",
            f"XML Parse schema error: {message}",
            "Correct the request so that it follows the Intacct 3.0 request schema.",
        )
    )


def bad_sender() -> ControlError:
    return ControlError(
        ErrorDetail("XL03000006", "", "Incorrect Intacct XML Partner ID or password.", "")
    )


def bad_policy(policy_id: str) -> ControlError:
    return ControlError(
        ErrorDetail("XL03000006", "", f"{policy_id} is not a valid transport policy.", "")
    )


def oversized(size: int, limit: int) -> ControlError:
    return ControlError(
        ErrorDetail(
            "XL03000003",
            "Request too large",
            f"The request is {size} bytes; the gateway accepts at most {limit} bytes.",
            "Split the request into several smaller requests.",
        ),
        http_status=413,
    )


def unsafe_xml(message: str) -> ControlError:
    return ControlError(
        ErrorDetail(
            "XL03000003",
            "XML Parse schema error",
            f"XML Parse schema error: {message}",
            "Remove the DOCTYPE/ENTITY declarations; Intacct requests never need them.",
        )
    )


def bad_login_modern() -> ControlError:
    """Current gateway form of a bad login: control failure, HTTP 401."""
    return ControlError(
        ErrorDetail(
            "XMLGW_JPP0002",
            "Sign-in information is incorrect. Please check your request.",
            "Sign-in information is incorrect. Please check your request.",
            "Check the user ID, company ID and password.",
        ),
        http_status=401,
    )


def rate_limited() -> ControlError:
    return ControlError(
        ErrorDetail(
            "GW-0010",
            "Too many requests",
            "The company has reached its limit of concurrent API requests.",
            "Wait and retry the request.",
        ),
        http_status=429,
    )


# --- authentication level --------------------------------------------------------------------


def bad_login_legacy() -> AuthenticationError:
    return AuthenticationError(
        ErrorDetail("XL03000006", "", "Sign-in information is incorrect", "")
    )


def sender_not_authorized(sender_id: str, company_id: str) -> AuthenticationError:
    return AuthenticationError(
        ErrorDetail(
            "XL03000006",
            "Invalid Web Services Authorization",
            f"The sender ID '{sender_id}' is not authorized to make Web Services requests to "
            f"company ID '{company_id}'.",
            "Contact the company administrator to grant Web Services authorization to this "
            "sender ID.",
        )
    )


def user_inactive(user_id: str) -> AuthenticationError:
    return AuthenticationError(
        ErrorDetail(
            "XL03000006",
            "Sign-in information is incorrect",
            f"The user '{user_id}' is inactive.",
            "Set the user's status to Active (Company > Admin > Users, roles & groups > "
            "Web Services users).",
        )
    )


def no_top_level_access(user_id: str) -> AuthenticationError:
    return AuthenticationError(
        ErrorDetail(
            "XL03000006",
            "Sign-in information is incorrect",
            f"The user '{user_id}' does not have access to the top level of this company.",
            "Grant top-level access on the User entities tab of the Web Services user.",
        )
    )


def unknown_entity(location_id: str, user_id: str) -> AuthenticationError:
    return AuthenticationError(
        ErrorDetail(
            "XL03000006",
            "Sign-in information is incorrect",
            f"Invalid entity ID '{location_id}' for user '{user_id}': the entity does not exist or "
            "the user has no access to it.",
            "Check the entity ID, and the User entities tab of the Web Services user.",
        )
    )


def invalid_session() -> AuthenticationError:
    return AuthenticationError(
        ErrorDetail(
            "XL03000006",
            "Invalid session",
            "The session ID is invalid or has expired.",
            "Sign in again with getAPISession.",
        )
    )


# --- function level --------------------------------------------------------------------------


def function_error(
    errorno: str, description2: str, correction: str = "", description: str = ""
) -> FunctionError:
    return FunctionError(ErrorDetail(errorno, description, description2, correction))


def business_error(description2: str, correction: str = "") -> FunctionError:
    return function_error("BL01001973", description2, correction)


def with_companion(error: FunctionError, companion: str) -> FunctionError:
    """Append Intacct's generic second error, e.g. ``Could not create class record!``."""
    return FunctionError(*error.details, ErrorDetail("BL01001973", "", companion, ""))


def duplicate(label: str, value: str) -> FunctionError:
    # Intacct's text really has two spaces before "already".
    return FunctionError(
        ErrorDetail(
            "BL34000061",
            "",
            f"Another {label} with the given value(s) {value}  already exists",
            "Use a unique value instead.",
        )
    )


def unknown_object(name: str) -> FunctionError:
    return function_error("Query Failed", f"Object definition {name} not found")


def invalid_result_id(result_id: str) -> FunctionError:
    return function_error(
        "readMore failed",
        f"Attempt to readMore with an invalid or expired resultId: {result_id}",
    )


def already_executed(control_id: str) -> FunctionError:
    return function_error(
        "BL01001973",
        f"A successful transaction has already been recorded with the control id {control_id}",
        "Use a new function control ID, or set uniqueid to false to allow re-execution.",
    )


def too_many_functions(count: int, limit: int) -> ControlError:
    """*Inferred*: Intacct documents no maximum; the sandbox bounds the work of one request."""
    return ControlError(
        ErrorDetail(
            "XL03000003",
            "Too many functions",
            f"The request holds {count} functions; the gateway accepts at most {limit} per "
            "request.",
            "Split the functions over several requests.",
        )
    )


def reply_too_large(function: str, size: int, remaining: int, limit: int) -> FunctionError:
    """*Inferred*: a function whose output does not fit the reply's size budget."""
    return FunctionError(
        ErrorDetail(
            "DL02000001",
            "There was an error processing the request.",
            f"The result of {function} is {size} bytes, and only {remaining} of the reply's "
            f"{limit} bytes are left; the function was not run to completion.",
            "Use a smaller pagesize or fewer fields, or send the functions in several requests.",
        )
    )


def reply_full(function: str, limit: int) -> FunctionError:
    """*Inferred*: a function after one whose output did not fit the reply's budget."""
    return FunctionError(
        ErrorDetail(
            "DL02000001",
            "There was an error processing the request.",
            f"{function} was not run: the reply reached its limit of {limit} bytes.",
            "Send this function again in another request.",
        )
    )


def rolled_back() -> ErrorDetail:
    return ErrorDetail(
        "XL03000009",
        "",
        "The entire transaction in this operation has been rolled back due to an error.",
        "",
    )


def unknown_function(name: str) -> FunctionError:
    return function_error(
        "XL03000003",
        f"XML Parse schema error: Element '{name}' is not a supported function.",
        "Check the function name against the Intacct 3.0 request schema.",
    )


def permission_denied(operation: str, object_name: str) -> FunctionError:
    return function_error(
        "XL03000005",
        f"You do not have permission for API operation {operation} on objects of type "
        f"{object_name}",
        "Give the Web Services user the permissions it needs (admin privileges or a role).",
    )


def module_disabled(object_name: str, module: str) -> FunctionError:
    return function_error(
        "Query Failed",
        f"Object definition {object_name} not found",
        f"The {module} module is not subscribed in this company.",
    )


def schema_function_error(message: str) -> FunctionError:
    return function_error(
        "XL03000003",
        f"XML Parse schema error: {message}",
        "Correct the function so that it follows the Intacct 3.0 request schema.",
    )


def query_error(message: str) -> FunctionError:
    return function_error(
        "DL02000001",
        f"There was an error processing the request. {message}",
        "Correct the query and try again.",
        description="Error",
    )


def not_found(label: str, key: str, action: str) -> FunctionError:
    return function_error(
        "BL01001973",
        f"Cannot find {label.lower()} with key '{key}' to {action}.",
        "Check the key: use an existing RECORDNO (or the object's ID field where accepted).",
    )
