"""Sync state through the API, and Synchronise."""

from __future__ import annotations

from intacct_bridge.sync.state import get_state
from tests.api.conftest import Api


def test_state_counts_and_record_state_follow_synchronise(api: Api) -> None:
    assert api.put("/api/v1/items/ST-1", json={"name": "Stateful"}).status_code == 201
    before = api.get("/api/v1/state")
    assert before.status_code == 200
    assert before.json()["unread_changes"] > 0
    assert set(before.json()["objects"]) >= {"items", "customers", "suppliers", "contacts"}
    one = api.get("/api/v1/records/items/ST-1/state")
    assert one.status_code == 200 and one.json()["state"] == "not"
    assert one.json()["intacct_object"] == "ITEM"

    queued = api.post("/api/v1/sync", json={})
    assert queued.status_code == 202, queued.text
    assert queued.json()["queued"] >= 0 and queued.json()["force"] is False
    after = api.get("/api/v1/state").json()
    assert after["unread_changes"] == 0
    pending = after["objects"]["items"].get("pending", 0)
    assert pending >= 3  # W-100, G-200 (reference data) and ST-1
    with api.sessions() as db:
        stored = get_state(db, api.a, "item", "ST-1")
    assert stored is not None
    one = api.get("/api/v1/records/items/ST-1/state").json()
    assert one["state"] == stored.state.value == "pending"
    # the other tenant's records were not touched
    with api.sessions() as db:
        assert get_state(db, api.b, "item", "ST-1") is None
        assert get_state(db, api.b, "item", "W-100") is None


def test_named_synchronise_is_refused_for_a_record_already_pending(api: Api) -> None:
    assert api.post("/api/v1/sync", json={"kind": "items"}).status_code == 202
    refused = api.post("/api/v1/sync", json={"kind": "items", "keys": ["W-100"]})
    assert refused.status_code == 409
    assert "W-100" in refused.json()["message"]


def test_bad_synchronise_requests_are_422(api: Api) -> None:
    for body, field in (
        ({"kind": "widgets"}, "kind"),
        ({"keys": ["W-100"]}, "kind"),
        ({"kind": "items", "keys": "W-100"}, "keys"),
        ({"force": "yes"}, "force"),
        ({"colour": "red"}, "colour"),
    ):
        response = api.post("/api/v1/sync", json=body)
        assert response.status_code == 422, body
        assert response.json()["problems"][0]["field"] == field
    assert api.get("/api/v1/state").json()["unread_changes"] > 0  # nothing collected


def test_state_of_unknown_records_and_kinds_is_404(api: Api) -> None:
    assert api.get("/api/v1/records/items/NOPE/state").status_code == 404
    assert api.get("/api/v1/records/sites/US01/state").status_code == 404
