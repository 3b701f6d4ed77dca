"""Reading Smart Event bodies: any bytes, any content type → fields or a clear refusal,
never another exception."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intacct_bridge.sync.events import MAX_BODY_BYTES, EventRefused, read_post

TYPES = st.sampled_from(
    [
        "",
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-8",
        "application/json",
        "application/vnd.api+json",
        "text/xml",
        "application/xml; charset=iso-8859-1",
        "application/soap+xml",
        "multipart/form-data; boundary=x",
        "text/plain",
    ]
)


@settings(max_examples=300, deadline=None)
@given(TYPES, st.binary(max_size=2048))
def test_any_body_gives_fields_or_a_refusal(content_type: str, body: bytes) -> None:
    try:
        fields = read_post(content_type, body)
    except EventRefused as refusal:
        assert 400 <= refusal.status < 500 and refusal.message
        return
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items())


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=20), st.text(max_size=60), max_size=10))
def test_form_json_and_xml_say_the_same(fields: dict[str, str]) -> None:
    form = read_post("application/x-www-form-urlencoded", urlencode(fields).encode())
    assert form == fields
    assert read_post("application/json", json.dumps(fields).encode()) == fields


def test_the_size_limit_is_the_limit() -> None:
    text = b'{"tenant": "acme"}'
    at_limit = text + b" " * (MAX_BODY_BYTES - len(text))
    assert read_post("application/json", at_limit) == {"tenant": "acme"}
    with pytest.raises(EventRefused) as over:
        read_post("application/json", at_limit + b" ")
    assert over.value.status == 413


def test_values_and_field_counts_are_bounded() -> None:
    assert read_post("application/x-www-form-urlencoded", b"a=" + b"x" * 500) == {"a": "x" * 500}
    with pytest.raises(EventRefused, match="longer than 500"):
        read_post("application/x-www-form-urlencoded", b"a=" + b"x" * 501)
    many = "&".join(f"f{i}=1" for i in range(32)).encode()
    assert len(read_post("application/x-www-form-urlencoded", many)) == 32
    with pytest.raises(EventRefused, match="fields"):
        read_post("application/x-www-form-urlencoded", many + b"&f32=1")


def test_xml_external_entities_and_deep_nesting_are_refused() -> None:
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<event><tenant>&x;</tenant></event>"
    )
    with pytest.raises(EventRefused) as refused:
        read_post("application/xml", xxe)
    assert refused.value.status == 400 and "passwd" not in refused.value.message
    deep = b"<a>" * 200 + b"</a>" * 200
    with pytest.raises(EventRefused):
        read_post("application/xml", deep)
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE e []><event/>'.encode("utf-16")
    with pytest.raises(EventRefused):
        read_post("application/xml", utf16)
