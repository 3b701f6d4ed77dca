"""Every API route needs a key with the route's scope; a key reads and writes only its tenant."""

from __future__ import annotations

import datetime as dt

import pytest

from intacct_bridge.auth.apikeys import VERIFIED_KEY_TTL, list_api_keys, revoke_api_key
from intacct_bridge.auth.model import Scope
from tests.api.conftest import Api
from tests.api.docs import invoice_body
from tests.auth.conftest import FakeClock

#: (method, url, body, scope needed)
ROUTES = [
    ("PUT", "/api/v1/items/AX-1", {"name": "Scoped"}, Scope.MASTER_DATA_WRITE),
    ("POST", "/api/v1/items:batch", [{"id": "AX-2", "name": "Scoped"}], Scope.MASTER_DATA_WRITE),
    ("POST", "/api/v1/documents", invoice_body("SI-AX"), Scope.DOCUMENTS_WRITE),
    ("GET", "/api/v1/state", None, Scope.STATE_READ),
    ("GET", "/api/v1/records/items/W-100/state", None, Scope.STATE_READ),
    ("GET", "/api/v1/documents/sales_invoice/SI-AX", None, Scope.STATE_READ),
    ("POST", "/api/v1/sync", {}, Scope.SYNC_RUN),
]


def written(api: Api) -> list[int]:
    """Statuses of reads that show whether any of the writes above happened in tenant A."""
    return [
        api.get("/api/v1/documents/sales_invoice/SI-AX").status_code,
        api.get("/api/v1/records/items/AX-1/state").status_code,
        api.get("/api/v1/records/items/AX-2/state").status_code,
    ]


@pytest.mark.parametrize("method, url, body, scope", ROUTES)
def test_without_a_key_or_with_a_bad_one_every_route_is_401(
    api: Api, method: str, url: str, body: object, scope: Scope
) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer ibk_000000000000_" + "A" * 43},
        {"Authorization": "Bearer not-a-key"},
    ):
        response = api.request(method, url, key=None, headers=headers, json=body)
        assert response.status_code == 401, (headers, response.text)
        assert response.json()["error"] == "unauthorized"
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert written(api) == [404, 404, 404]


@pytest.mark.parametrize("method, url, body, scope", ROUTES)
def test_a_key_without_the_scope_is_403_and_changes_nothing(
    api: Api, method: str, url: str, body: object, scope: Scope
) -> None:
    others = [other for other in Scope if other is not scope]
    key = api.new_key(api.a, *others)
    response = api.request(method, url, key=key, json=body)
    assert response.status_code == 403, response.text
    assert scope.value in response.json()["message"]
    assert written(api) == [404, 404, 404]
    allowed = api.request(method, url, key=api.new_key(api.a, scope), json=body)
    assert allowed.status_code < 400 or allowed.status_code == 404, allowed.text


def test_a_revoked_key_is_refused_within_the_verified_key_ttl(api: Api) -> None:
    """A process trusts a key it has verified for VERIFIED_KEY_TTL (two seconds) without
    reading it again: once that has passed since its last check, a revoked key is refused."""
    clock = FakeClock(dt.datetime.now(dt.UTC))
    api.app.state.auth.clock = clock
    key = api.new_key(api.a, Scope.STATE_READ)
    assert api.get("/api/v1/state", key=key).status_code == 200
    with api.sessions() as db, db.begin():
        revoke_api_key(db, api.a, key.split("_")[1], clock())
    clock.advance(seconds=VERIFIED_KEY_TTL.total_seconds())
    assert api.get("/api/v1/state", key=key).status_code == 401
    # a revoked key this process has not verified before is refused at once
    other = api.new_key(api.a, Scope.STATE_READ)
    with api.sessions() as db, db.begin():
        revoke_api_key(db, api.a, other.split("_")[1], clock())
    assert api.get("/api/v1/state", key=other).status_code == 401


def test_a_verified_key_is_not_read_again_within_the_ttl(api: Api) -> None:
    """Within the TTL the key is not read: a request still passes after its revocation (the
    bound above is the whole delay), and its scopes are still checked."""
    clock = FakeClock(dt.datetime.now(dt.UTC))
    api.app.state.auth.clock = clock
    key = api.new_key(api.a, Scope.STATE_READ)
    assert api.get("/api/v1/state", key=key).status_code == 200
    with api.sessions() as db, db.begin():
        revoke_api_key(db, api.a, key.split("_")[1], clock())
    clock.advance(seconds=VERIFIED_KEY_TTL.total_seconds() / 2)
    assert api.get("/api/v1/state", key=key).status_code == 200
    assert api.post("/api/v1/sync", json={}, key=key).status_code == 403


def test_a_key_of_tenant_b_neither_reads_nor_changes_tenant_a(api: Api) -> None:
    assert api.post("/api/v1/documents", json=invoice_body("SI-OWN")).status_code == 201
    assert api.put("/api/v1/items/OWN-1", json={"name": "A's"}).status_code == 201
    b_key = api.new_key(api.b, *Scope)
    assert api.get("/api/v1/documents/sales_invoice/SI-OWN", key=b_key).status_code == 404
    assert api.get("/api/v1/records/items/OWN-1/state", key=b_key).status_code == 404
    # the same number in B is B's own document, A's stays as it was
    other = {**invoice_body("SI-OWN"), "reference": "B's"}
    assert api.post("/api/v1/documents", json=other, key=b_key).status_code == 201
    mine = api.get("/api/v1/documents/sales_invoice/SI-OWN").json()
    assert mine["document"]["reference"] != "B's"
    assert api.put("/api/v1/items/OWN-1", json={"name": "B's"}, key=b_key).status_code == 201
    assert api.get("/api/v1/records/items/OWN-1/state").status_code == 200


def test_a_key_s_last_used_time_is_written_at_most_once_a_minute(api: Api) -> None:
    """Checking a key only reads; its last-used time is written when more than a minute old
    (so a busy client does not write a row on every request)."""
    clock = FakeClock(dt.datetime.now(dt.UTC))
    api.app.state.auth.clock = clock

    def last_used() -> dt.datetime | None:
        with api.sessions() as db:
            (info,) = [k for k in list_api_keys(db, api.a) if k.active]
        return info.last_used_at

    assert last_used() is None
    assert api.request("GET", "/api/v1/state").status_code == 200
    assert last_used() == clock()
    first = clock()
    clock.advance(seconds=59)
    assert api.request("GET", "/api/v1/state").status_code == 200
    assert last_used() == first
    clock.advance(seconds=2)
    assert api.request("GET", "/api/v1/state").status_code == 200
    assert last_used() == clock()
