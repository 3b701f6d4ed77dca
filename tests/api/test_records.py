"""Master data through the API: upsert, batch, read back; all or nothing; the file import's
converters and checks."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from intacct_bridge.model import Item
from intacct_bridge.store.repositories import get_record
from tests.api.conftest import Api


def stored_item(api: Api, tenant: str, item_id: str) -> Item | None:
    with api.sessions() as db:
        return get_record(db, tenant, Item, item_id)


def test_put_creates_then_updates_then_is_unchanged(api: Api) -> None:
    body = {"name": "Sprocket", "standard_cost": "2.50"}
    first = api.put("/api/v1/items/SP-1", json=body)
    assert first.status_code == 201, first.text
    assert first.json() == {"kind": "items", "key": "SP-1", "outcome": "created"}
    item = stored_item(api, api.a, "SP-1")
    assert item is not None and item.name == "Sprocket"
    assert item.standard_cost == Decimal("2.50")
    again = api.put("/api/v1/items/SP-1", json=body)
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"
    changed = api.put("/api/v1/items/SP-1", json={**body, "name": "Sprocket XL"})
    assert changed.status_code == 200 and changed.json()["outcome"] == "updated"
    item = stored_item(api, api.a, "SP-1")
    assert item is not None and item.name == "Sprocket XL"
    assert stored_item(api, api.b, "SP-1") is None  # the key's tenant only


def test_contacts_are_keyed_by_name_and_the_url_must_agree_with_the_body(api: Api) -> None:
    created = api.put("/api/v1/contacts/Ann Lee", json={"print_as": "Ann Lee"})
    assert created.status_code == 201, created.text
    clash = api.put("/api/v1/items/X-1", json={"id": "X-2", "name": "Mismatch"})
    assert clash.status_code == 422
    assert clash.json()["problems"][0]["field"] == "id"
    assert "X-1" in clash.json()["problems"][0]["reason"]
    assert stored_item(api, api.a, "X-1") is None and stored_item(api, api.a, "X-2") is None


def test_invalid_fields_are_named_with_their_fix_and_nothing_is_written(api: Api) -> None:
    response = api.put(
        "/api/v1/items/BAD-1", json={"name": "Bad", "standard_cost": "abc", "colour": "red"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid"
    fields = {problem["field"] for problem in body["problems"]}
    assert {"standard_cost", "colour"} <= fields
    assert all(problem["reason"] for problem in body["problems"])
    assert stored_item(api, api.a, "BAD-1") is None


def test_a_missing_reference_is_refused_by_the_stores_checks(api: Api) -> None:
    response = api.put("/api/v1/items/PC-1", json={"name": "X", "posting_class_id": "NOPE"})
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "posting_class_id"
    assert stored_item(api, api.a, "PC-1") is None


def test_unknown_kind_is_404(api: Api) -> None:
    response = api.put("/api/v1/widgets/W-1", json={"name": "x"})
    assert response.status_code == 404 and "items" in response.json()["message"]


def test_batch_is_all_or_nothing_and_names_the_bad_record(api: Api) -> None:
    good = [{"id": f"B-{n}", "name": f"Batch {n}"} for n in range(5)]
    bad = [*good[:3], {"id": "B-X", "name": "Bad", "standard_cost": "-1"}, *good[3:]]
    refused = api.post("/api/v1/items:batch", json=bad)
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["field"].startswith("[3].")
    assert all(stored_item(api, api.a, f"B-{n}") is None for n in range(5))
    accepted = api.post("/api/v1/items:batch", json=good)
    assert accepted.status_code == 200, accepted.text
    assert [r["outcome"] for r in accepted.json()["results"]] == ["created"] * 5
    assert all(stored_item(api, api.a, f"B-{n}") is not None for n in range(5))
    again = api.post("/api/v1/items:batch", json=good)
    assert [r["outcome"] for r in again.json()["results"]] == ["unchanged"] * 5


def test_batch_refuses_duplicates_and_non_lists(api: Api) -> None:
    twice = [{"id": "D-1", "name": "One"}, {"id": "D-1", "name": "Two"}]
    response = api.post("/api/v1/items:batch", json=twice)
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == "[1]"
    assert api.post("/api/v1/items:batch", json={"id": "D-1"}).status_code == 422
    assert stored_item(api, api.a, "D-1") is None


def test_api_and_file_import_store_the_same_record(api: Api) -> None:
    from intacct_bridge.intake import import_text

    fields = {"name": "Same", "standard_cost": "1.2300", "description": "from both doors"}
    assert api.put("/api/v1/items/SAME-1", json=fields).status_code == 201
    line = '{"kind": "item", "id": "SAME-2", "name": "Same", "standard_cost": "1.2300", '
    line += '"description": "from both doors"}\n'
    with api.sessions() as db:
        report = import_text(db, line, fmt="jsonl", tenant_id=api.a)
    assert report.ok, report.errors
    one, two = stored_item(api, api.a, "SAME-1"), stored_item(api, api.a, "SAME-2")
    assert one is not None and two is not None
    assert dataclasses.replace(two, id="SAME-1") == one
