"""Control- and authentication-level refusals, with Intacct's exact numbers and texts."""

from __future__ import annotations

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from tests.sandbox.envelope import Caller, envelope, fn, login


def _post(
    caller: Caller,
    *,
    sender: str | None = None,
    sender_pw: str | None = None,
    auth: str | None = None,
) -> object:
    c = caller.creds
    return caller.raw(
        envelope(
            fn("<getAPISession/>"),
            sender_id=sender if sender is not None else c.sender_id,
            sender_password=sender_pw if sender_pw is not None else c.sender_password,
            authentication=auth if auth is not None else caller.auth(),
        )
    )


def test_login_succeeds_and_returns_session_and_endpoint(caller: Caller) -> None:
    reply = caller.ok("<getAPISession/>")
    api = reply.data().find("api")
    assert api is not None
    assert api.findtext("sessionid")
    assert api.findtext("endpoint") == caller.endpoint
    assert reply.root.findtext("operation/authentication/companyid") == "DEMO-MFG"
    assert reply.root.findtext("operation/authentication/sessiontimeout").endswith("+00:00")


def test_wrong_sender_password_is_a_control_failure(caller: Caller) -> None:
    reply = _post(caller, sender_pw="nope")
    assert reply.control_status == "failure"
    assert reply.root.find("operation") is None
    assert reply.control_errors == [
        ("XL03000006", "", "Incorrect Intacct XML Partner ID or password.", "")
    ]


def test_unknown_sender_is_a_control_failure(caller: Caller) -> None:
    reply = _post(caller, sender="someone_else")
    assert reply.control_errors[0][:3] == (
        "XL03000006",
        "",
        "Incorrect Intacct XML Partner ID or password.",
    )


def test_sender_not_authorized_for_company(sandbox: Sandbox, caller: Caller) -> None:
    sandbox.admin.create_sender("OTHER", "pw")
    reply = _post(caller, sender="OTHER", sender_pw="pw")
    assert reply.control_status == "success"
    assert reply.auth_status == "failure"
    assert reply.results == []
    assert reply.auth_errors == [
        (
            "XL03000006",
            "Invalid Web Services Authorization",
            "The sender ID 'OTHER' is not authorized to make Web Services requests to "
            "company ID 'DEMO-MFG'.",
            "Contact the company administrator to grant Web Services authorization to this "
            "sender ID.",
        )
    ]


def test_inactive_authorization_is_refused(
    sandbox: Sandbox, caller: Caller, creds: QuickstartCredentials
) -> None:
    sandbox.admin.authorize_sender(creds.company_id, creds.sender_id, status="inactive")
    reply = _post(caller)
    assert reply.auth_errors[0][1] == "Invalid Web Services Authorization"


def test_bad_user_password_modern_form_is_http_401(
    caller: Caller, creds: QuickstartCredentials
) -> None:
    reply = _post(caller, auth=login(creds.user_id, creds.company_id, "wrong"))
    assert reply.status_code == 401
    assert reply.control_status == "failure"
    assert reply.control_errors[0][:2] == (
        "XMLGW_JPP0002",
        "Sign-in information is incorrect. Please check your request.",
    )


def test_bad_user_password_legacy_form(
    sandbox: Sandbox, caller: Caller, creds: QuickstartCredentials
) -> None:
    sandbox.backend.settings.login_failure_style = "legacy"
    reply = _post(caller, auth=login(creds.user_id, "NO-SUCH-CO", creds.user_password))
    assert reply.status_code == 200
    assert reply.auth_status == "failure"
    assert reply.auth_errors == [("XL03000006", "", "Sign-in information is incorrect", "")]


def test_inactive_user_is_refused(
    sandbox: Sandbox, caller: Caller, creds: QuickstartCredentials
) -> None:
    sandbox.admin.update_user(creds.company_id, creds.user_id, status="inactive")
    reply = _post(caller)
    assert reply.auth_errors[0][0] == "XL03000006"
    assert reply.auth_errors[0][2] == "The user 'xt_api' is inactive."


def test_unknown_session_is_refused(caller: Caller) -> None:
    reply = _post(caller, auth="<sessionid>not-a-session</sessionid>")
    assert reply.auth_status == "failure"
    assert reply.auth_errors[0][:3] == (
        "XL03000006",
        "Invalid session",
        "The session ID is invalid or has expired.",
    )


def test_session_slides_and_expires(sandbox: Sandbox, caller: Caller) -> None:
    from datetime import UTC, datetime, timedelta

    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    sandbox.backend.clock = lambda: now[0]
    session_id = caller.ok("<getAPISession/>").data().findtext("api/sessionid")
    caller.session_id = session_id
    now[0] += timedelta(minutes=50)
    assert caller.call("<getAPISession/>").auth_status == "success"  # slides to +60 min
    now[0] += timedelta(minutes=50)
    assert caller.call("<getAPISession/>").auth_status == "success"
    now[0] += timedelta(minutes=61)
    reply = caller.call("<getAPISession/>")
    assert reply.auth_status == "failure"
    assert reply.auth_errors[0][1] == "Invalid session"


def test_malformed_xml_is_a_parse_error(caller: Caller) -> None:
    reply = caller.raw(b"<request><control></request>")
    assert reply.control_status == "failure"
    errno, _description, description2, _ = reply.control_errors[0]
    assert errno == "XL03000003"
    assert description2.startswith("XML Parse schema error: Fatal Error")
    assert "Line: 1" in description2


def test_entity_expansion_is_refused(caller: Caller) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<request>&lol2;</request>"
    )
    reply = caller.raw(bomb)
    assert reply.control_errors[0][0] == "XL03000003"
    assert "DOCTYPE" in reply.control_errors[0][2]


def test_external_entity_is_refused(caller: Caller) -> None:
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<request>&x;</request>"
    )
    reply = caller.raw(xxe)
    assert reply.control_errors[0][0] == "XL03000003"
    assert "root:" not in reply.root.findtext("errormessage/error/description2")


def test_oversized_body_is_refused(sandbox: Sandbox, caller: Caller) -> None:
    sandbox.backend.settings.max_body_bytes = 2000
    reply = caller.raw(b"<request>" + b" " * 3000 + b"</request>")
    assert reply.status_code == 413
    assert reply.control_errors[0][0] == "XL03000003"
    assert "at most 2000 bytes" in reply.control_errors[0][2]


def test_unknown_function_is_refused_before_anything_runs(sandbox: Sandbox, caller: Caller) -> None:
    create = "<create><CLASS><CLASSID>C1</CLASSID><NAME>One</NAME></CLASS></create>"
    reply = caller.call(create, "<frobnicate/>")
    assert reply.control_status == "failure"
    assert reply.control_errors[0][0] == "XL03000003"
    assert "frobnicate" in reply.control_errors[0][2]
    assert "CLASS" not in sandbox.backend.companies["DEMO-MFG"].data.tables


def test_function_without_controlid_is_a_schema_error(caller: Caller) -> None:
    c = caller.creds
    body = envelope(
        "<function><getAPISession/></function>",
        sender_id=c.sender_id,
        sender_password=c.sender_password,
        authentication=caller.auth(),
    )
    reply = caller.raw(body)
    assert reply.control_errors[0][0] == "XL03000003"
    assert "controlid" in reply.control_errors[0][2]
