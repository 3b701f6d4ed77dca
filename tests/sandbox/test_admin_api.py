"""The admin HTTP API (``/sandbox/admin``), driven over ASGI and checked through the gateway."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox, SandboxSettings
from intacct_bridge.sandbox.seeds import DEMO_ACCOUNTS
from tests.sandbox.envelope import Caller

SENDER_PW = "sender-secret-4711"
USER_PW = "user-secret-0815"


class Api:
    """A synchronous client for the sandbox's ASGI app (httpx ASGITransport)."""

    def __init__(self, sandbox: Sandbox, token: str | None = None) -> None:
        self.app = sandbox.asgi_app()
        self.headers = {"authorization": f"Bearer {token}"} if token else {}

    def __call__(self, method: str, path: str, **kw: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as c:
                headers = {**self.headers, **kw.pop("headers", {})}
                return await c.request(method, f"/sandbox/admin{path}", headers=headers, **kw)

        return asyncio.run(go())


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(seed=99)


@pytest.fixture
def api(sandbox: Sandbox) -> Api:
    return Api(sandbox)


def _gateway(sandbox: Sandbox, creds: QuickstartCredentials, **kw: Any) -> Caller:
    return Caller(httpx.Client(transport=sandbox.transport()), sandbox.endpoint, creds, **kw)


CREDS = QuickstartCredentials("XT_mfg", SENDER_PW, "ACME", "xt_api", USER_PW)


def _setup(api: Api, *, mega: bool = False) -> None:
    """The seed guide's steps, over HTTP."""
    assert (
        api("POST", "/senders", json={"sender_id": "XT_mfg", "password": SENDER_PW}).status_code
        == 201
    )
    body: dict[str, Any] = {"company_id": "ACME", "name": "Acme Manufacturing", "mega": mega}
    if mega:
        body["entities"] = [
            {"location_id": "US", "name": "Acme US", "fields": {"CURRENCY": "USD"}},
            {"location_id": "UK", "name": "Acme UK"},
        ]
    assert api("POST", "/companies", json=body).status_code == 201
    user = {"user_id": "xt_api", "password": USER_PW, "first_name": "API", "last_name": "Alias"}
    assert api("POST", "/companies/ACME/users", json=user).status_code == 201
    reply = api("POST", "/companies/ACME/authorizations", json={"sender_id": "XT_mfg"})
    assert reply.status_code == 201


def _accounts(caller: Caller) -> list[str]:
    data = caller.ok(
        "<readByQuery><object>GLACCOUNT</object><fields>ACCOUNTNO</fields><query></query>"
        "<pagesize>1000</pagesize></readByQuery>"
    ).data()
    return [row.findtext("ACCOUNTNO") or "" for row in data]


# --- the seed guide, scripted ----------------------------------------------------------------


def test_seed_guide_setup_over_http_lets_the_gateway_log_in(sandbox: Sandbox, api: Api) -> None:
    _setup(api, mega=True)
    state = api("GET", "/state").json()
    assert state["senders"] == [{"sender_id": "XT_mfg", "status": "active"}]
    (company,) = state["companies"]
    assert company["company_id"] == "ACME"
    assert company["name"] == "Acme Manufacturing"
    assert company["mega"] is True
    assert company["entities"] == [
        {"location_id": "US", "name": "Acme US"},
        {"location_id": "UK", "name": "Acme UK"},
    ]
    assert company["authorized_senders"] == {"XT_mfg": "active"}
    (user,) = company["users"]
    # seed guide defaults: Business, Full, Active, role Admin, top-level access
    assert user == {
        "user_id": "xt_api",
        "first_name": "API",
        "last_name": "Alias",
        "email": "",
        "user_type": "business",
        "admin": "full",
        "status": "active",
        "roles": ["Admin"],
        "top_level_access": True,
        "entity_access": [],
    }
    assert sandbox.backend.companies["ACME"].data.tables["LOCATIONENTITY"].records
    top = _gateway(sandbox, CREDS)
    assert top.ok("<getAPISession/>").root.findtext("operation/authentication/companyid") == "ACME"
    in_uk = _gateway(sandbox, CREDS, location_id="UK")
    reply = in_uk.ok("<getAPISession/>")
    assert reply.root.findtext("operation/authentication/locationid") == "UK"
    entity = in_uk.ok(
        "<readByQuery><object>LOCATIONENTITY</object><fields>LOCATIONID,CURRENCY</fields>"
        "<query>LOCATIONID = 'US'</query></readByQuery>"
    ).data()
    assert entity[0].findtext("CURRENCY") == "USD"


def test_passwords_are_never_echoed(api: Api) -> None:
    replies = [
        api("POST", "/senders", json={"sender_id": "XT_mfg", "password": SENDER_PW}),
        api("POST", "/senders", json={"sender_id": "XT_mfg", "password": SENDER_PW}),  # 409
        api("POST", "/companies", json={"company_id": "ACME"}),
        api("POST", "/companies/ACME/users", json={"user_id": "u", "password": USER_PW}),
        api("POST", "/companies/ACME/users", json={"user_id": "v", "password": USER_PW, "x": 1}),
        api("POST", "/companies/ACME/users", json={"user_id": 5, "password": USER_PW}),
        api("POST", "/companies/ACME/users", json={"password": USER_PW}),
        api("PATCH", "/companies/ACME/users/u", json={"password": USER_PW + "2"}),
        api("PATCH", "/companies/ACME/users/u", json={"password": USER_PW, "status": "?"}),
        api(
            "POST",
            "/companies/ACME/authorizations",
            json={"sender_id": "NEW", "sender_password": SENDER_PW + "x"},
        ),
        api("GET", "/state"),
    ]
    assert [r.status_code for r in replies] == [
        201,
        409,
        201,
        201,
        422,
        422,
        422,
        200,
        422,
        201,
        200,
    ]
    for reply in replies:
        assert SENDER_PW not in reply.text
        assert USER_PW not in reply.text
        assert "password_hash" not in reply.text


# --- records, demo seed ----------------------------------------------------------------------


def test_seed_demo_then_gateway_reads_it(sandbox: Sandbox, api: Api) -> None:
    _setup(api)
    reply = api("POST", "/companies/ACME/seed-demo")
    assert reply.status_code == 201
    created = reply.json()["created"]
    assert created["GLACCOUNT"] == len(DEMO_ACCOUNTS)
    assert {
        "GLJOURNAL",
        "APTERM",
        "ARTERM",
        "TAXDETAIL",
        "DEPARTMENT",
        "CLASS",
        "LOCATION",
        "CHECKINGACCOUNT",
    } <= set(created)
    caller = _gateway(sandbox, CREDS)
    assert _accounts(caller) == [row["ACCOUNTNO"] for row in DEMO_ACCOUNTS]
    terms = caller.ok(
        "<readByName><object>APTERM</object><keys>2-10 N30</keys><fields>*</fields></readByName>"
    ).data()
    assert terms[0].findtext("DISCDATE") == "10"
    assert terms[0].findtext("DUEDATE") == "30"
    # the Projects module is off: REQUIREPROJECT was left out, not refused
    assert "REQUIREPROJECT" not in {
        row.tag
        for row in caller.ok(
            "<readByName><object>GLACCOUNT</object><keys>4100</keys><fields>*</fields></readByName>"
        ).data()[0]
    }
    again = api("POST", "/companies/ACME/seed-demo")
    assert again.status_code == 409
    assert "already has GLACCOUNT 1000" in again.json()["error"]
    assert api("GET", "/state").json()["companies"][0]["records"]["GLACCOUNT"] == len(DEMO_ACCOUNTS)


def test_records_are_all_or_nothing(sandbox: Sandbox, api: Api) -> None:
    _setup(api)
    rows = [
        {"ACCOUNTNO": "1000", "TITLE": "Cash", "REQUIREDEPT": True},
        {"ACCOUNTNO": "4000", "TITLE": "Sales", "NORMALBALANCE": "sideways"},
    ]
    refused = api("POST", "/companies/ACME/records/GLACCOUNT", json=rows)
    assert refused.status_code == 422
    assert refused.json()["error"].startswith("GLACCOUNT row 2: 'sideways' is not a valid value")
    assert api("GET", "/companies/ACME/records/GLACCOUNT").json()["count"] == 0
    assert _accounts(_gateway(sandbox, CREDS)) == []

    rows[1]["NORMALBALANCE"] = "credit"
    made = api("POST", "/companies/ACME/records/glaccount", json=rows)
    assert made.status_code == 201
    body = made.json()
    assert body["object"] == "GLACCOUNT"
    assert [c["ACCOUNTNO"] for c in body["created"]] == ["1000", "4000"]
    listed = api("GET", "/companies/ACME/records/GLACCOUNT").json()["records"]
    assert [(r["ACCOUNTNO"], r["REQUIREDEPT"], r["NORMALBALANCE"]) for r in listed] == [
        ("1000", "true", "debit"),
        ("4000", "false", "credit"),
    ]
    assert _accounts(_gateway(sandbox, CREDS)) == ["1000", "4000"]
    duplicate = api(
        "POST", "/companies/ACME/records/GLACCOUNT", json=[{"ACCOUNTNO": "1000", "TITLE": "x"}]
    )
    assert duplicate.status_code == 409


def test_records_with_nested_groups_and_entity(sandbox: Sandbox, api: Api) -> None:
    _setup(api, mega=True)
    rows = [{"WAREHOUSEID": "W1", "NAME": "Main", "LOC": {"LOCATIONID": "US"}}]
    reply = api("POST", "/companies/ACME/records/WAREHOUSE", json={"rows": rows, "entity": "US"})
    assert reply.status_code == 201, reply.text
    (stored,) = api("GET", "/companies/ACME/records/WAREHOUSE?entity=US").json()["records"]
    assert stored["LOC.LOCATIONID"] == "US"
    assert stored["MEGAENTITYID"] == "US"
    assert api("GET", "/companies/ACME/records/WAREHOUSE?entity=UK").json()["count"] == 0
    missing = api("POST", "/companies/ACME/records/WAREHOUSE?entity=FR", json=rows)
    assert missing.status_code == 404
    assert "Entity 'FR' does not exist" in missing.json()["error"]


@pytest.mark.parametrize(
    ("path", "body", "status", "needle"),
    [
        ("/companies/NOPE/records/GLACCOUNT", [{"ACCOUNTNO": "1"}], 404, "Company 'NOPE'"),
        ("/companies/ACME/records/SPACESHIP", [{"X": "1"}], 404, "Object 'SPACESHIP'"),
        ("/companies/ACME/records/PROJECT", [{"PROJECTID": "P"}], 404, "its module is off"),
        ("/companies/ACME/records/GLACCOUNT", [{"ACCT": "1"}], 422, "unknown field 'ACCT'"),
        ("/companies/ACME/records/GLACCOUNT", [], 422, "No rows"),
        ("/companies/ACME/records/GLACCOUNT", {"ACCOUNTNO": "1"}, 422, "rows: Field required"),
        ("/companies/ACME/records/GLACCOUNT", [1, 2], 422, "rows[0]: Input should be a valid"),
        (
            "/companies/ACME/records/GLACCOUNT",
            [{"ACCOUNTNO": "1", "TITLE": ["a"]}],
            422,
            "TITLE must be text, a number or true/false",
        ),
    ],
)
def test_record_refusals(api: Api, path: str, body: Any, status: int, needle: str) -> None:
    _setup(api)
    reply = api("POST", path, json=body)
    assert reply.status_code == status
    assert needle in reply.json()["error"]


# --- companies, users, authorizations, dimensions, modules -----------------------------------


def test_company_with_a_bad_entity_is_not_created(api: Api) -> None:
    body = {
        "company_id": "ACME",
        "mega": True,
        "entities": [{"location_id": "US", "name": "A"}, {"location_id": "US", "name": "B"}],
    }
    reply = api("POST", "/companies", json=body)
    assert reply.status_code == 409
    assert "LOCATIONENTITY row 1" in reply.json()["error"]
    assert api("GET", "/state").json()["companies"] == []
    single = api("POST", "/companies", json={**body, "mega": False})
    assert single.status_code == 422
    assert "single-entity" in single.json()["error"]
    assert api("GET", "/state").json()["companies"] == []


def test_add_entity_later(sandbox: Sandbox, api: Api) -> None:
    _setup(api, mega=True)
    reply = api("POST", "/companies/ACME/entities", json={"location_id": "FR", "name": "Acme FR"})
    assert reply.status_code == 201
    assert reply.json()["location_id"] == "FR"
    assert _gateway(sandbox, CREDS, location_id="FR").ok("<getAPISession/>")
    assert (
        api("POST", "/companies/ACME/entities", json={"location_id": "FR", "name": "x"}).status_code
        == 409
    )
    clash = api(
        "POST",
        "/companies/ACME/entities",
        json={"location_id": "DE", "name": "Acme DE", "fields": {"name": "other"}},
    )
    assert clash.status_code == 422
    assert "give the entity's ID and name as location_id and name" in clash.json()["error"]
    api("POST", "/companies", json={"company_id": "SOLO"})
    solo = api("POST", "/companies/SOLO/entities", json={"location_id": "FR", "name": "x"})
    assert solo.status_code == 422


def test_patch_user_status_and_password(sandbox: Sandbox, api: Api) -> None:
    _setup(api)
    reply = api("PATCH", "/companies/ACME/users/xt_api", json={"status": "inactive"})
    assert reply.status_code == 200
    assert reply.json()["status"] == "inactive"
    refused = _gateway(sandbox, CREDS).call("<getAPISession/>")
    assert refused.auth_status == "failure"
    api("PATCH", "/companies/ACME/users/xt_api", json={"status": "active", "password": "new-pw"})
    assert _gateway(sandbox, CREDS).call("<getAPISession/>").auth_status != "success"
    renewed = QuickstartCredentials("XT_mfg", SENDER_PW, "ACME", "xt_api", "new-pw")
    assert _gateway(sandbox, renewed).ok("<getAPISession/>").auth_status == "success"
    assert api("PATCH", "/companies/ACME/users/ghost", json={"status": "active"}).status_code == 404
    nothing = api("PATCH", "/companies/ACME/users/xt_api", json={})
    assert nothing.status_code == 422
    null = api("PATCH", "/companies/ACME/users/xt_api", json={"status": None})
    assert null.status_code == 422
    assert "status cannot be null" in null.json()["error"]


def test_user_entity_access_must_name_existing_entities(api: Api) -> None:
    _setup(api, mega=True)
    bad = {"user_id": "u", "password": "pw", "entity_access": ["US", "MARS"]}
    reply = api("POST", "/companies/ACME/users", json=bad)
    assert reply.status_code == 404
    assert "Entity MARS does not exist" in reply.json()["error"]
    users = api("GET", "/companies/ACME").json()["users"]
    assert [u["user_id"] for u in users] == ["xt_api"]
    duplicate = api("POST", "/companies/ACME/users", json={"user_id": "xt_api", "password": "p"})
    assert duplicate.status_code == 409


def test_authorizations(sandbox: Sandbox, api: Api) -> None:
    _setup(api)
    unknown = api("POST", "/companies/ACME/authorizations", json={"sender_id": "GHOST"})
    assert unknown.status_code == 404
    assert "POST /sandbox/admin/senders" in unknown.json()["error"]
    inactive = api(
        "POST", "/companies/ACME/authorizations", json={"sender_id": "XT_mfg", "status": "inactive"}
    )
    assert inactive.status_code == 200  # updated, not new
    failure = _gateway(sandbox, CREDS).call("<getAPISession/>")
    assert failure.auth_errors[0][1] == "Invalid Web Services Authorization"
    api("POST", "/companies/ACME/authorizations", json={"sender_id": "XT_mfg"})
    assert _gateway(sandbox, CREDS).ok("<getAPISession/>")
    revoked = api("DELETE", "/companies/ACME/authorizations/XT_mfg")
    assert revoked.status_code == 200
    assert revoked.json() == {"company_id": "ACME", "sender_id": "XT_mfg", "revoked": True}
    assert _gateway(sandbox, CREDS).call("<getAPISession/>").auth_status == "failure"
    assert api("DELETE", "/companies/ACME/authorizations/XT_mfg").status_code == 404


def test_dimensions(sandbox: Sandbox, api: Api) -> None:
    _setup(api)
    reply = api("POST", "/companies/ACME/dimensions", json={"name": "region", "label": "Region"})
    assert reply.status_code == 201
    assert reply.json() == {"company_id": "ACME", "name": "REGION", "label": "Region"}
    assert (
        api("POST", "/companies/ACME/dimensions", json={"name": "REGION", "label": "R"}).status_code
        == 409
    )
    assert (
        api("POST", "/companies/ACME/dimensions", json={"name": "VENDOR", "label": "V"}).status_code
        == 422
    )
    rows = [{"ID": "N", "NAME": "North"}, {"ID": "S", "NAME": "South"}]
    assert api("POST", "/companies/ACME/records/REGION", json=rows).status_code == 201
    account = [{"ACCOUNTNO": "4000", "TITLE": "Sales", "REQUIREGLDIMREGION": True}]
    assert api("POST", "/companies/ACME/records/GLACCOUNT", json=account).status_code == 201
    caller = _gateway(sandbox, CREDS)
    dims = caller.ok("<getDimensions/>").data().iter("dimension")
    user_defined = {d.findtext("objectName"): d.findtext("userDefinedDimension") for d in dims}
    assert user_defined["REGION"] == "true"
    assert user_defined["DEPARTMENT"] == "false"
    regions = caller.ok(
        "<readByQuery><object>REGION</object><fields>*</fields><query></query></readByQuery>"
    ).data()
    assert [r.findtext("id") for r in regions] == ["N", "S"]


def test_modules(sandbox: Sandbox, api: Api) -> None:
    _setup(api)
    assert (
        api("POST", "/companies/ACME/records/PROJECT", json=[{"PROJECTID": "P"}]).status_code == 404
    )
    reply = api("PUT", "/companies/ACME/modules", json={"modules": ["gl", "ap", "ar", "projects"]})
    assert reply.status_code == 200
    assert reply.json() == {"company_id": "ACME", "modules": ["ap", "ar", "gl", "projects"]}
    project = [{"PROJECTID": "P1", "NAME": "Line 2 retrofit", "PROJECTCATEGORY": "Internal"}]
    assert api("POST", "/companies/ACME/records/PROJECT", json=project).status_code == 201
    bad = api("PUT", "/companies/ACME/modules", json={"modules": ["gl", "payroll"]})
    assert bad.status_code == 422
    assert "unknown module(s) payroll; known modules: ap, ar" in bad.json()["error"]
    wrong = api("PUT", "/companies/ACME/modules", json={"modules": "gl"})
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["fix"] == "Send 'modules' as a JSON array."
    assert api("GET", "/companies/ACME").json()["modules"] == ["ap", "ar", "gl", "projects"]


def test_reset(sandbox: Sandbox, api: Api) -> None:
    _setup(api)
    _gateway(sandbox, CREDS).ok("<getAPISession/>")
    reply = api("POST", "/reset")
    assert reply.status_code == 200
    assert reply.json()["state"] == {
        "senders": [],
        "companies": [],
        "policies": [],
        "sessions": 0,
    }
    assert sandbox.backend.companies == {}


# --- malformed requests ----------------------------------------------------------------------


def test_bad_json_is_a_400(api: Api) -> None:
    reply = api(
        "POST",
        "/companies",
        content=b'{"company_id": ',
        headers={"content-type": "application/json"},
    )
    assert reply.status_code == 400
    body = reply.json()
    assert body["error"].startswith("The request body is not valid JSON: Expecting value")
    assert body["detail"] == {"line": 1, "column": 16}
    empty = api("POST", "/companies")
    assert empty.status_code == 400
    assert "needs a JSON body" in empty.json()["error"]
    latin = api("POST", "/companies", content=b'{"company_id": "\xe9"}')
    assert latin.status_code == 400


def test_wrong_types_name_the_field_and_the_fix(api: Api) -> None:
    reply = api(
        "POST",
        "/companies",
        json={
            "company_id": " ACME",
            "mega": "yes",
            "session_timeout": 10,
            "colour": "red",
            "entities": [{"location_id": "US"}],
        },
    )
    assert reply.status_code == 422
    body = reply.json()
    problems = {p["field"]: p for p in body["detail"]}
    assert problems["company_id"]["problem"] == "must not start or end with spaces"
    assert problems["mega"]["fix"] == "Send 'mega' as true or false."
    assert "greater than or equal to 60" in problems["session_timeout"]["problem"]
    assert problems["colour"]["problem"] == "unknown field"
    assert problems["colour"]["fix"].startswith("Remove 'colour'. Accepted fields: company_id,")
    assert problems["entities[0].name"]["fix"] == "Add 'entities[0].name'."
    assert body["error"].startswith("Invalid body for POST /sandbox/admin/companies: ")
    assert api("GET", "/state").json()["companies"] == []
    not_object = api("POST", "/senders", json=["XT_mfg"])
    assert not_object.status_code == 422
    assert not_object.json()["detail"][0]["fix"] == "Send '(body)' as a JSON object."


def test_unknown_routes_and_methods_are_json(api: Api) -> None:
    missing = api("GET", "/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["error"] == "No admin endpoint at /sandbox/admin/nothing-here."
    wrong = api("GET", "/reset")
    assert wrong.status_code == 405
    assert wrong.json()["detail"] == {"allow": "POST"}
    no_company = api("POST", "/companies/NOPE/users", json={"user_id": "u", "password": "p"})
    assert no_company.status_code == 404
    assert no_company.json() == {"error": "Company 'NOPE' does not exist.", "detail": None}


WRITE_ROUTES = [
    ("POST", "/senders"),
    ("POST", "/companies"),
    ("PUT", "/companies/ACME/modules"),
    ("POST", "/companies/ACME/entities"),
    ("POST", "/companies/ACME/users"),
    ("PATCH", "/companies/ACME/users/xt_api"),
    ("POST", "/companies/ACME/authorizations"),
    ("POST", "/companies/ACME/dimensions"),
    ("POST", "/companies/ACME/records/GLACCOUNT"),
    ("POST", "/companies/ACME/records/WAREHOUSE"),
    ("POST", "/companies/ACME/custom-objects"),
    ("POST", "/policies"),
    ("PUT", "/limits"),
    ("PUT", "/companies/ACME/limits"),
    ("POST", "/limits/reseed"),
    ("PATCH", "/senders/XT_mfg"),
    ("POST", "/clock/advance"),
    ("POST", "/sessions/expire"),
]
ODD_BODIES = [
    b"null",
    b"[]",
    b'"text"',
    b"1e400",
    b"[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]",
    b'{"": ""}',
    b'{"rows": [{"LOC": {"A": {"B": {"C": {"D": {"E": {"F": {"G": 1}}}}}}}}]}',
    b'[{"NAME": {"x": [1, {"y": null}]}}]',
    b'{"name": "x", "fields": {"name": "y"}, "location_id": "Z"}',
    b'{"user_id": "u", "password": "p", "roles": "Admin", "entity_access": [""]}',
]


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES)
def test_odd_bodies_get_a_json_4xx_and_change_nothing(
    sandbox: Sandbox, api: Api, method: str, path: str
) -> None:
    _setup(api, mega=True)
    before = api("GET", "/state").json()
    for raw in ODD_BODIES:
        reply = api(method, path, content=raw, headers={"content-type": "application/json"})
        assert 400 <= reply.status_code < 500, (raw, reply.status_code, reply.text)
        assert set(reply.json()) == {"error", "detail"}
        assert reply.json()["error"]
    assert api("GET", "/state").json() == before


def test_oversized_body_is_refused() -> None:
    small = Sandbox(settings=SandboxSettings(max_body_bytes=1000))
    small.admin.create_company("ACME")
    reply = Api(small)("POST", "/companies/ACME/records/GLACCOUNT", json=[{"TITLE": "x" * 2000}])
    assert reply.status_code == 413
    assert reply.json()["error"] == "The request body is larger than 1000 bytes."


# --- bearer token ----------------------------------------------------------------------------


def test_admin_token_is_required_when_configured() -> None:
    sandbox = Sandbox(settings=SandboxSettings(admin_token="s3cr3t-token"))
    anonymous = Api(sandbox)
    refused = anonymous("GET", "/state")
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in refused.json()["error"]
    assert Api(sandbox, token="wrong")("GET", "/state").status_code == 401
    assert anonymous("POST", "/reset").status_code == 401
    allowed = Api(sandbox, token="s3cr3t-token")
    assert allowed("GET", "/state").status_code == 200
    assert allowed("POST", "/senders", json={"sender_id": "S", "password": "p"}).status_code == 201
    # the gateway itself is not behind the admin token
    open_gateway = Sandbox(sandbox.backend)
    creds = QuickstartCredentials("S", "p", "C", "u", "pw")
    allowed("POST", "/companies", json={"company_id": "C"})
    allowed("POST", "/companies/C/users", json={"user_id": "u", "password": "pw"})
    allowed("POST", "/companies/C/authorizations", json={"sender_id": "S"})
    assert _gateway(open_gateway, creds).ok("<getAPISession/>")


# --- the OpenAPI description -----------------------------------------------------------------


def test_openapi_describes_every_endpoint_and_body(api: Api) -> None:
    reply = api("GET", "/openapi.json")
    assert reply.status_code == 200
    spec = reply.json()
    paths = spec["paths"]
    for path, method in [
        ("/state", "get"),
        ("/companies", "post"),
        ("/companies/{company_id}/users/{user_id}", "patch"),
        ("/companies/{company_id}/authorizations", "post"),
        ("/companies/{company_id}/records/{object_name}", "post"),
        ("/companies/{company_id}/packages", "post"),
        ("/senders/{sender_id}", "patch"),
        ("/clock/advance", "post"),
        ("/sessions/expire", "post"),
        ("/limits", "put"),
    ]:
        assert method in paths[path], (path, method)
    schemas = spec["components"]["schemas"]
    assert set(schemas["UserIn"]["required"]) == {"user_id", "password"}
    assert "rekey" in schemas["AuthorizationIn"]["properties"]
    assert schemas["StateOut"]["required"] == ["senders", "companies", "policies", "sessions"]
    refusal = paths["/companies"]["post"]["responses"]["409"]
    assert refusal["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ProblemOut"
    }
    # the description is behind the token like every other admin endpoint
    guarded = Sandbox(settings=SandboxSettings(admin_token="t" * 20))
    assert Api(guarded)("GET", "/openapi.json").status_code == 401
    assert Api(guarded, token="t" * 20)("GET", "/openapi.json").status_code == 200


# --- senders: no silent re-key ---------------------------------------------------------------


def test_authorization_never_rekeys_a_sender_silently(sandbox: Sandbox, api: Api) -> None:
    _setup(api)
    other = {"sender_id": "XT_mfg", "sender_password": "someone-elses-password"}
    refused = api("POST", "/companies/ACME/authorizations", json=other)
    assert refused.status_code == 409
    assert "already exists with a different password" in refused.json()["error"]
    assert "rekey" in refused.json()["error"]
    assert _gateway(sandbox, CREDS).ok("<getAPISession/>")  # the old password still works
    same = {"sender_id": "XT_mfg", "sender_password": SENDER_PW}
    unchanged = api("POST", "/companies/ACME/authorizations", json=same)
    assert unchanged.status_code == 200
    assert unchanged.json()["sender"] == "unchanged"
    rekeyed = api("POST", "/companies/ACME/authorizations", json={**other, "rekey": True})
    assert rekeyed.status_code == 200
    assert rekeyed.json() == {
        "company_id": "ACME",
        "sender_id": "XT_mfg",
        "status": "active",
        "authorization": "updated",
        "sender": "rekeyed",
    }
    assert _gateway(sandbox, CREDS).call("<getAPISession/>").control_status == "failure"
    new = QuickstartCredentials("XT_mfg", "someone-elses-password", "ACME", "xt_api", USER_PW)
    assert _gateway(sandbox, new).ok("<getAPISession/>")
    assert "someone-elses-password" not in rekeyed.text + refused.text


def test_quickstart_sender_password_can_be_changed(sandbox: Sandbox, api: Api) -> None:
    creds = sandbox.quickstart()
    assert _gateway(sandbox, creds).ok("<getAPISession/>")
    reply = api("PATCH", f"/senders/{creds.sender_id}", json={"password": "a-new-secret-1"})
    assert reply.status_code == 200
    assert reply.json() == {"sender_id": creds.sender_id, "status": "active", "rekeyed": True}
    assert _gateway(sandbox, creds).call("<getAPISession/>").control_status == "failure"
    renewed = QuickstartCredentials(
        creds.sender_id, "a-new-secret-1", creds.company_id, creds.user_id, creds.user_password
    )
    assert _gateway(sandbox, renewed).ok("<getAPISession/>")
    status = api("PATCH", f"/senders/{creds.sender_id}", json={"status": "inactive"})
    assert status.json()["rekeyed"] is False
    assert _gateway(sandbox, renewed).call("<getAPISession/>").control_status == "failure"
    assert api("PATCH", "/senders/GHOST", json={"status": "active"}).status_code == 404
    empty = api("PATCH", f"/senders/{creds.sender_id}", json={})
    assert empty.status_code == 422
    assert "changes nothing" in empty.json()["error"]
    wrong = api("PATCH", f"/senders/{creds.sender_id}", json={"password": 5})
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["field"] == "password"


# --- the clock and API sessions --------------------------------------------------------------


def _session(sandbox: Sandbox, creds: QuickstartCredentials) -> Caller:
    caller = _gateway(sandbox, creds)
    reply = caller.ok("<getAPISession/>")
    caller.session_id = reply.data().findtext("api/sessionid")
    assert caller.session_id
    return caller


def test_advancing_the_clock_expires_sessions(sandbox: Sandbox, api: Api) -> None:
    creds = sandbox.quickstart()
    caller = _session(sandbox, creds)
    before = api("GET", "/clock").json()
    assert before["offset_seconds"] == 0
    almost = api("POST", "/clock/advance", json={"seconds": 3000})
    assert almost.status_code == 200
    assert almost.json()["offset_seconds"] == 3000
    assert caller.ok("<getAPISession/>")  # still live, and the use slides its timeout
    api("POST", "/clock/advance", json={"seconds": 3599})
    assert caller.ok("<getAPISession/>")
    api("POST", "/clock/advance", json={"seconds": 3601})
    expired = caller.call("<getAPISession/>")
    assert expired.auth_status == "failure"
    assert api("GET", "/clock").json()["offset_seconds"] == 3000 + 3599 + 3601
    for bad, field in [
        ({"seconds": 0}, "seconds"),
        ({"seconds": "60"}, "seconds"),
        ({}, "seconds"),
    ]:
        refused = api("POST", "/clock/advance", json=bad)
        assert refused.status_code == 422, bad
        assert refused.json()["detail"][0]["field"] == field
    back = api("POST", "/clock/reset")
    assert back.json()["offset_seconds"] == 0


def test_expire_one_session_or_all_of_a_user(sandbox: Sandbox, api: Api) -> None:
    creds = sandbox.quickstart()
    first, second = _session(sandbox, creds), _session(sandbox, creds)
    one = api("POST", "/sessions/expire", json={"session_id": first.session_id})
    assert one.json() == {"expired": 1}
    assert first.call("<getAPISession/>").auth_status == "failure"
    assert second.ok("<getAPISession/>")
    again = api("POST", "/sessions/expire", json={"session_id": first.session_id})
    assert again.status_code == 404
    assert str(first.session_id) not in again.text
    third = _session(sandbox, creds)
    every = api(
        "POST", "/sessions/expire", json={"company_id": creds.company_id, "user_id": creds.user_id}
    )
    assert every.json() == {"expired": 2}
    assert second.call("<getAPISession/>").auth_status == "failure"
    assert third.call("<getAPISession/>").auth_status == "failure"
    for body, status in [
        ({}, 422),
        ({"user_id": creds.user_id}, 422),
        ({"company_id": "NOPE"}, 404),
        ({"company_id": creds.company_id, "user_id": "ghost"}, 404),
        ({"session_id": ""}, 422),
    ]:
        assert api("POST", "/sessions/expire", json=body).status_code == status, body
    assert api("POST", "/sessions/expire", json={"company_id": creds.company_id}).json() == {
        "expired": 0
    }


# --- validation failures are not conflicts ---------------------------------------------------


def test_seed_validation_failure_is_not_a_conflict(sandbox: Sandbox, api: Api) -> None:
    from intacct_bridge.sandbox.admin import AdminConflict, AdminInvalid

    _setup(api)
    refused = api("POST", "/companies/ACME/records/GLACCOUNT", json=[{"ACCOUNTNO": "1000"}])
    assert refused.status_code == 422
    body = refused.json()
    assert body["error"].startswith("GLACCOUNT row 1: Required field TITLE")
    assert body["detail"]["intacct_errors"][0]["errorno"] == "BL01001973"
    with pytest.raises(AdminInvalid) as invalid:
        sandbox.admin.seed("ACME", "GLACCOUNT", [{"ACCOUNTNO": "1000"}])
    assert not isinstance(invalid.value, AdminConflict)
    assert invalid.value.errors[0]["errorno"] == "BL01001973"
    sandbox.admin.seed("ACME", "GLACCOUNT", [{"ACCOUNTNO": "1000", "TITLE": "Cash"}])
    with pytest.raises(AdminConflict):  # the GL account's own duplicate error, BL01001973 too
        sandbox.admin.seed("ACME", "GLACCOUNT", [{"ACCOUNTNO": "1000", "TITLE": "Again"}])
    twice = [{"CLASSID": "C1", "NAME": "a"}, {"CLASSID": "C1", "NAME": "b"}]
    with pytest.raises(AdminConflict):  # a duplicate within one batch (BL34000061)
        sandbox.admin.seed("ACME", "CLASS", twice)
    assert sandbox.admin.records("ACME", "CLASS") == []


# --- the URLs the sandbox calls --------------------------------------------------------------


def _guarded(*rules: str) -> Sandbox:
    from intacct_bridge.sandbox.callbacks import CallbackRules

    return Sandbox(seed=3, settings=SandboxSettings(callbacks=CallbackRules(rules)))


def _package(url: str) -> bytes:
    from tests.sandbox.test_smartevents import package

    return package(url)


def test_policies_and_packages_outside_the_callback_rules_are_refused() -> None:
    sandbox = _guarded("loopback", "https://bridge.example/hooks")
    creds = sandbox.quickstart()
    api = Api(sandbox)
    for url in (
        "http://10.0.0.5/steal",
        "http://169.254.169.254/latest/meta-data",
        "http://127.0.0.1@evil.test/",
        "http://localhost.evil.test/",
        "https://bridge.example/hooksevil",
        "http://bridge.example/hooks/x",
    ):
        policy = {"policy_id": "P", "sender_id": creds.sender_id, "response_url": url}
        refused = api("POST", "/policies", json=policy)
        assert refused.status_code == 422, url
        assert "--allow-callback" in refused.json()["error"]
        imported = api("POST", f"/companies/{creds.company_id}/packages", content=_package(url))
        assert imported.status_code == 422, url
        assert "may not call" in imported.json()["error"]
    assert api("GET", "/policies").json() == {"policies": []}
    assert api("GET", f"/companies/{creds.company_id}/packages").json() == {"packages": []}
    for url in (
        "http://127.0.0.1:8001/intacct/async",
        "http://[::1]:9/x",
        "http://localhost/x",
        "https://bridge.example/hooks/async",
    ):
        policy = {"policy_id": "P", "sender_id": creds.sender_id, "response_url": url}
        assert api("POST", "/policies", json=policy).status_code == 201, url
    ok = api("POST", f"/companies/{creds.company_id}/packages", content=_package(url))
    assert ok.status_code == 201


def test_calls_outside_the_rules_are_refused_at_delivery_too() -> None:
    """A state file may hold smart links saved under other rules: the transport refuses them
    without connecting."""
    from intacct_bridge.sandbox.callbacks import CallbackRules, GuardedTransport
    from intacct_bridge.sandbox.packages import parse_package
    from intacct_bridge.sandbox.smartevents import install_packages

    sandbox = _guarded("loopback")
    creds = sandbox.quickstart()
    company = sandbox.backend.companies[creds.company_id]
    install_packages(company, parse_package(_package("http://10.0.0.5/hook")))
    sandbox.backend.smart_event_transport = GuardedTransport(
        CallbackRules(["loopback"]), httpx.MockTransport(lambda r: pytest.fail(f"called {r.url}"))
    )
    sandbox.backend.dispatcher().backoff = 0.0
    _gateway(sandbox, creds).ok(
        "<create><GLACCOUNT><ACCOUNTNO>6000</ACCOUNTNO><TITLE>Inventory</TITLE>"
        "<ACCOUNTTYPE>balancesheet</ACCOUNTTYPE><NORMALBALANCE>debit</NORMALBALANCE>"
        "</GLACCOUNT></create>"
    )
    (delivery,) = sandbox.admin.deliveries(creds.company_id, wait=10)
    assert delivery["status"] == "failed"
    assert "refused by the sandbox" in delivery["last_error"]
    assert "10.0.0.5" in delivery["last_error"]


def test_a_sandbox_with_callback_rules_guards_its_outbound_transports() -> None:
    from intacct_bridge.sandbox.callbacks import GuardedTransport

    sandbox = _guarded("loopback")
    assert isinstance(sandbox.backend.smart_event_transport, GuardedTransport)
    assert isinstance(sandbox.backend.async_transport, GuardedTransport)
    assert Sandbox().backend.async_transport is None  # in-process default: no rules


def test_clock_through_the_python_api(sandbox: Sandbox) -> None:
    from intacct_bridge.sandbox.admin import MAX_CLOCK_STEP, AdminError

    creds = sandbox.quickstart()
    caller = _session(sandbox, creds)
    start = sandbox.backend.now()
    moved = sandbox.admin.advance_clock(7200)
    assert moved["offset_seconds"] == 7200
    assert (sandbox.backend.now() - start).total_seconds() >= 7200
    assert caller.call("<getAPISession/>").auth_status == "failure"
    for bad in (0, -5, True, "60", MAX_CLOCK_STEP + 1):
        with pytest.raises(AdminError):
            sandbox.admin.advance_clock(bad)  # type: ignore[arg-type]
    for _ in range(9):
        sandbox.admin.advance_clock(MAX_CLOCK_STEP)
    with pytest.raises(AdminError, match="reset it first"):
        sandbox.admin.advance_clock(MAX_CLOCK_STEP)
    sandbox.admin.reset()
    assert sandbox.admin.clock()["offset_seconds"] == 0


def test_callback_rules() -> None:
    from intacct_bridge.sandbox.callbacks import CallbackRuleError, CallbackRules

    rules = CallbackRules(["loopback", "bridge.example:8443", "https://hooks.example/in/"])
    allowed = [
        "http://127.0.0.1:8000/x",
        "http://127.9.9.9/",
        "http://[::1]/",
        "http://LOCALHOST:1/",
        "https://bridge.example:8443/anything",
        "http://bridge.example:8443/",
        "https://hooks.example/in",
        "https://hooks.example/in/deep/er?q=1",
        "https://hooks.example:443/in/x",
    ]
    refused = [
        "https://bridge.example/anything",  # another port
        "https://hooks.example/inside",  # not below the prefix
        "http://hooks.example/in/x",  # another scheme
        "https://hooks.example:8443/in/x",
        "http://10.0.0.1/",
        "http://0.0.0.0:8000/",
        "http://localhost@evil.test/",
        "http://127.0.0.1.evil.test/",
        "ftp://127.0.0.1/",
        "not a url",
        "",
    ]
    for url in allowed:
        assert rules.refusal(url) is None, url
    for url in refused:
        assert rules.refusal(url) is not None, url
    assert CallbackRules(["*"]).refusal("http://10.0.0.1/") is None
    assert rules.template_refusal("https://hooks.example/in/{!GLACCOUNT.ACCOUNTNO!}") is None
    assert rules.template_refusal("https://hooks.example{!GLACCOUNT.TITLE!}/in/") is not None
    for bad in ([], [""], ["ftp://x/"], ["https://u:p@x/"], ["x/y"], ["https://x/?q"]):
        with pytest.raises(CallbackRuleError):
            CallbackRules(bad)


def test_no_endpoint_answers_500_to_odd_input(sandbox: Sandbox, api: Api) -> None:
    """Every operation of the OpenAPI description, with odd bodies and odd path values."""
    spec = api("GET", "/openapi.json").json()
    odd_values = {"company_id": "ACME", "user_id": "xt_api", "sender_id": "XT_mfg", "recordno": "1"}
    bodies = [*ODD_BODIES, b'{"seconds": 1e308}', b'{"session_id": "' + b"x" * 500 + b'"}']
    for path, operations in spec["paths"].items():
        for method in operations:
            for names in (odd_values, dict.fromkeys(odd_values, "%E2%80%AE%00")):
                if not sandbox.backend.companies:  # after POST /reset
                    _setup(api, mega=True)
                url = path.format(object_name="GLACCOUNT", **names)
                for raw in bodies if method in ("post", "put", "patch") else [b""]:
                    reply = api(
                        method.upper(),
                        url,
                        content=raw,
                        headers={"content-type": "application/json"},
                    )
                    assert reply.status_code < 500, (method, url, raw[:40], reply.text)
                    if reply.status_code >= 400:
                        assert set(reply.json()) == {"error", "detail"}, (method, url)
