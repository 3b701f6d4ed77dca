from __future__ import annotations

import dataclasses
import hashlib
import json

from intacct_bridge.demo import DemoGenerator
from intacct_bridge.model import AttributeRef, AttributeTypeKind, Document
from intacct_bridge.model.canonical import content_hash, to_plain


def _by_definition(value: object, exclude: tuple[str, ...] = ()) -> str:
    plain = to_plain(value)
    assert isinstance(plain, dict)
    kept = {key: item for key, item in plain.items() if key not in exclude}
    text = json.dumps(kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_content_hash_is_the_sha256_of_the_sorted_plain_form() -> None:
    records = list(DemoGenerator(seed=3, documents=300).records())
    for _ in range(2):  # the second time the shared references are remembered
        for record in records:
            assert content_hash(record) == _by_definition(record), record
            assert content_hash(record, exclude=("status",)) == _by_definition(record, ("status",))


def test_a_remembered_reference_hashes_as_its_current_value_in_any_document() -> None:
    document = next(
        r for r in DemoGenerator(seed=3, documents=20).records() if isinstance(r, Document)
    )
    shared = AttributeRef(type=AttributeTypeKind.PROJECT, id="P1")
    other = AttributeRef(type=AttributeTypeKind.PROJECT, id="P2")
    line = dataclasses.replace(document.lines[0], attributes=(shared,))
    first = dataclasses.replace(document, lines=(line,))
    second = dataclasses.replace(document, lines=(dataclasses.replace(line, attributes=(other,)),))
    assert content_hash(first) == _by_definition(first)
    assert content_hash(second) == _by_definition(second)
    assert content_hash(first) != content_hash(second)


def test_text_that_json_escapes_hashes_as_the_definition_says() -> None:
    records = list(DemoGenerator(seed=5, documents=40).records())
    odd = {"description": 'say "hi" \\ tab\there\u2028line é 漢 \x01', "name": 'a"b\\c é\u2028漢'}
    for record in records:
        fields = {field.name for field in dataclasses.fields(record)}
        changed = {name: text for name, text in odd.items() if name in fields}
        if isinstance(record, Document):
            line = dataclasses.replace(record.lines[0], description=odd["description"])
            changed["lines"] = (line, *record.lines[1:])
        value = dataclasses.replace(record, **changed) if changed else record
        for exclude in ((), ("status",)):
            assert content_hash(value, exclude=exclude) == _by_definition(value, exclude), value
