"""Hostile and malformed bodies: a 4xx in the API's error shape, never a 500, nothing written."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from intacct_bridge.web.api.bodies import MAX_BODY_BYTES, MAX_DEPTH
from tests.api.conftest import Api
from tests.api.test_documents import count_documents

WRITES = ["/api/v1/documents", "/api/v1/items:batch"]


def send(
    api: Api, url: str, content: bytes, content_type: str = "application/json"
) -> dict[str, object]:
    response = api.post(url, content=content, headers={"Content-Type": content_type})
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    body: dict[str, object] = response.json()
    assert set(body) == {"error", "message", "problems"}
    body["status"] = response.status_code
    return body


@pytest.mark.parametrize("url", WRITES)
def test_malformed_json_is_400(api: Api, url: str) -> None:
    for content in (b"{", b"", b"[1,", b"\xff\xfe{}", b'{"a": NaN}', b'{"a": Infinity}'):
        assert send(api, url, content)["status"] == 400, content
    assert count_documents(api, api.a) == 0


@pytest.mark.parametrize("url", WRITES)
def test_deep_nesting_is_refused(api: Api, url: str) -> None:
    for depth in (MAX_DEPTH + 2, 100_000):
        body = send(api, url, b"[" * depth + b"]" * depth)
        assert body["status"] == 400 and "nested" in str(body["message"])
    assert count_documents(api, api.a) == 0


def test_a_body_just_deep_enough_is_read(api: Api) -> None:
    nested = b'{"a":' * (MAX_DEPTH - 1) + b"1" + b"}" * (MAX_DEPTH - 1)
    body = send(api, "/api/v1/documents", nested)
    assert body["status"] == 422  # read, then refused as a document (no type)


def test_huge_numbers_are_named_not_crashed_on(api: Api) -> None:
    from tests.api.docs import invoice_body

    doc = invoice_body("SI-BIG")
    text = (
        '{"type":"sales_invoice","number":"SI-BIG","date":"2024-01-05","site_id":"US01",'
        '"customer_id":"C1","currency":"USD","lines":[{"item_id":"W-100","quantity":'
        + "9" * 5000
        + ',"unit_price":1e999999}]}'
    )
    body = send(api, "/api/v1/documents", text.encode())
    assert body["status"] == 422
    fields = {problem["field"] for problem in body["problems"]}  # type: ignore[attr-defined]
    assert "lines[0].quantity" in fields
    assert doc["number"] == "SI-BIG" and count_documents(api, api.a) == 0


def test_lone_surrogates_are_refused_with_their_path(api: Api) -> None:
    text = b'{"type":"sales_invoice","number":"SI-\\ud800","reference":"x"}'
    body = send(api, "/api/v1/documents", text)
    assert body["status"] == 400
    assert body["problems"][0]["field"] == "number"  # type: ignore[index]
    upsert = api.put(
        "/api/v1/items/S-1",
        content=b'{"name": "bad \\udfff"}',
        headers={"Content-Type": "application/json"},
    )
    assert upsert.status_code == 400
    assert count_documents(api, api.a) == 0


def test_wrong_content_type_is_415(api: Api) -> None:
    for content_type in ("text/plain", "application/x-www-form-urlencoded", ""):
        assert send(api, "/api/v1/documents", b"{}", content_type)["status"] == 415


def test_oversized_bodies_are_413_whether_declared_or_streamed(api: Api) -> None:
    big = b"[" + b'"x",' * (MAX_BODY_BYTES // 4) + b'"x"]'
    assert send(api, "/api/v1/documents", big)["status"] == 413

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536

    streamed = api.post(
        "/api/v1/items:batch", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413


def test_wrong_shapes_are_422(api: Api) -> None:
    assert send(api, "/api/v1/documents", b'"just a string"')["status"] == 422
    assert send(api, "/api/v1/documents", b"[1, 2]")["status"] == 422
    assert send(api, "/api/v1/items:batch", b'[{"id": 5}]')["status"] == 422
    too_many = b"[" + b",".join([b"{}"] * 1001) + b"]"
    assert send(api, "/api/v1/items:batch", too_many)["status"] == 422
    assert count_documents(api, api.a) == 0
