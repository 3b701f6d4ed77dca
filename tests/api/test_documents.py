"""Documents through the API: idempotent by (type, number), conflicts refused, all or nothing,
concurrent identical submissions stored once."""

from __future__ import annotations

import datetime as dt
import threading

import httpx
from sqlalchemy import func, select

from intacct_bridge.store.repositories import get_document
from intacct_bridge.store.tables import documents as td
from intacct_bridge.store.tables.sync import SyncStateRow
from tests.api.conftest import Api
from tests.api.docs import invoice_body


def count_documents(api: Api, tenant: str) -> int:
    with api.sessions() as db:
        query = select(func.count()).select_from(td.DocumentRow)
        return int(db.scalar(query.where(td.DocumentRow.tenant_id == tenant)) or 0)


def test_submit_then_repeat_returns_the_first_receipt(api: Api) -> None:
    body = invoice_body("SI-100")
    first = api.post("/api/v1/documents", json=body)
    assert first.status_code == 201, first.text
    receipt = first.json()
    assert receipt["type"] == "sales_invoice" and receipt["number"] == "SI-100"
    assert receipt["repeat"] is False
    repeat = api.post("/api/v1/documents", json=body)
    assert repeat.status_code == 200
    assert repeat.json() == {**receipt, "repeat": True}
    assert count_documents(api, api.a) == 1
    read = api.get("/api/v1/documents/sales_invoice/SI-100")
    assert read.status_code == 200
    assert read.json()["receipt"]["content_hash"] == receipt["content_hash"]
    assert read.json()["document"]["number"] == "SI-100"
    assert read.json()["document"]["lines"][0]["item_id"] == "W-100"
    assert read.json()["posting"] is None
    with api.sessions() as db, db.begin():  # what `intacct-bridge post` records once posted
        stamp = dt.datetime.now(dt.UTC)
        db.add(
            SyncStateRow(
                tenant_id=api.a,
                kind="posting",
                key="sales_invoice/SI-100",
                intacct_object="ARINVOICE",
                state="success",
                record_no=42,
                url="https://example.invalid/ar/42",
                version=1,
                attempts=1,
                synced_at=stamp,
                created_at=stamp,
                updated_at=stamp,
            )
        )
    posting = api.get("/api/v1/documents/sales_invoice/SI-100").json()["posting"]
    assert posting["state"] == "success" and posting["record_no"] == 42
    assert posting["intacct_object"] == "ARINVOICE"


def test_other_content_under_a_stored_number_is_refused_naming_what_differs(api: Api) -> None:
    body = invoice_body("SI-200")
    assert api.post("/api/v1/documents", json=body).status_code == 201
    changed = {**body, "reference": "PO-9"}
    refused = api.post("/api/v1/documents", json=changed)
    assert refused.status_code == 409
    error = refused.json()
    assert error["error"] == "conflict" and "SI-200" in error["message"]
    assert error["problems"][0]["field"] == "reference"
    with api.sessions() as db:
        stored = get_document(db, api.a, "sales_invoice", "SI-200")
    assert stored is not None and stored.reference != "PO-9"


def test_a_posted_document_is_immutable(api: Api) -> None:
    body = invoice_body("SI-300", status="posted")
    assert api.post("/api/v1/documents", json=body).json()["status"] == "posted"
    lines = [{**body["lines"][0], "quantity": "99"}]
    refused = api.post("/api/v1/documents", json={**body, "lines": lines})
    assert refused.status_code == 409
    assert refused.json()["problems"][0]["field"] == "lines[0].quantity"


def test_a_list_is_all_or_nothing(api: Api) -> None:
    good = [invoice_body(f"SI-L{n}") for n in range(3)]
    bad = {**invoice_body("SI-LX"), "customer_id": "NOBODY"}
    refused = api.post("/api/v1/documents", json=[*good, bad])
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["field"] == "[3].customer_id"
    assert count_documents(api, api.a) == 0
    invalid = api.post("/api/v1/documents", json=[good[0], {"type": "sales_invoice"}])
    assert invalid.status_code == 422
    assert {p["field"] for p in invalid.json()["problems"]} >= {"[1].number", "[1].date"}
    accepted = api.post("/api/v1/documents", json=good)
    assert accepted.status_code == 201
    assert [r["number"] for r in accepted.json()["results"]] == ["SI-L0", "SI-L1", "SI-L2"]
    mixed = api.post("/api/v1/documents", json=[good[0], invoice_body("SI-L3")])
    assert mixed.status_code == 201
    assert [r["repeat"] for r in mixed.json()["results"]] == [True, False]
    conflict = api.post(
        "/api/v1/documents", json=[invoice_body("SI-L4"), {**good[1], "reference": "x"}]
    )
    assert (
        conflict.status_code == 409 and conflict.json()["problems"][0]["field"] == "[1].reference"
    )
    assert count_documents(api, api.a) == 4  # SI-L4 was not written


def test_one_number_twice_in_a_list(api: Api) -> None:
    body = invoice_body("SI-T")
    same = api.post("/api/v1/documents", json=[body, body])
    assert same.status_code == 201 and len(same.json()["results"]) == 2
    other = api.post(
        "/api/v1/documents", json=[invoice_body("SI-U"), {**invoice_body("SI-U"), "reference": "r"}]
    )
    assert other.status_code == 422 and other.json()["problems"][0]["field"] == "[1]"
    assert count_documents(api, api.a) == 1


def test_concurrent_identical_submissions_store_one_document(api: Api) -> None:
    body = invoice_body("SI-RACE")
    results: list[httpx.Response] = []
    start = threading.Barrier(4)

    def submit() -> None:
        start.wait()
        results.append(api.post("/api/v1/documents", json=body))

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(response.status_code for response in results)
    assert statuses == [200, 200, 200, 201], [r.text for r in results]
    hashes = {response.json()["content_hash"] for response in results}
    received = {response.json()["received_at"] for response in results}
    assert len(hashes) == 1 and len(received) == 1
    assert count_documents(api, api.a) == 1


def test_reading_an_unknown_document_is_404(api: Api) -> None:
    assert api.get("/api/v1/documents/sales_invoice/NOPE").status_code == 404
    assert api.get("/api/v1/documents/bogus_type/NOPE").status_code == 404


def test_an_identical_draft_sent_as_posted_is_posted(api: Api) -> None:
    body = invoice_body("SI-DP")
    assert api.post("/api/v1/documents", json=body).json()["status"] == "draft"
    posted = api.post("/api/v1/documents", json={**body, "status": "posted"})
    assert posted.status_code == 201 and posted.json()["status"] == "posted"
    again = api.post("/api/v1/documents", json={**body, "status": "posted"})
    assert again.status_code == 200 and again.json()["repeat"] is True
    assert again.json()["status"] == "posted"
