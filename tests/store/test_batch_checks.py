"""The batch path checks references exactly as the one-record path does.

An import checks a document's references by the distinct rows they name (its *needs*) and
names the fields only when one fails; these tests hold that shortcut to the full checks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from intacct_bridge.demo import DemoGenerator
from intacct_bridge.intake import import_records
from intacct_bridge.model import (
    Attribute,
    AttributeRef,
    AttributeTypeKind,
    DimensionRef,
    Document,
    DocumentLine,
    DocumentType,
)
from intacct_bridge.store import repositories as repo
from intacct_bridge.store.errors import RecordRejectedError
from intacct_bridge.store.references import RefCache, document_needs
from tests.store.factories import invoice, seed_reference, shipment

T = "default"


def _line(**overrides: object) -> DocumentLine:
    fields: dict[str, object] = {
        "line_number": 1,
        "item_id": "W-100",
        "quantity": Decimal(1),
        "unit_price": Decimal(2),
    }
    fields.update(overrides)
    return DocumentLine(**fields)  # type: ignore[arg-type]


def _every_attribute() -> tuple[AttributeRef, ...]:
    ids = {
        AttributeTypeKind.BUSINESS_SITE: "US01",
        AttributeTypeKind.FINANCIAL_SITE: "US01",
        AttributeTypeKind.STOCK_SITE: "WH1",
        AttributeTypeKind.MANUFACTURING_SITE: "WH1",
        AttributeTypeKind.CUSTOMER: "C1",
        AttributeTypeKind.SUPPLIER: "S1",
        AttributeTypeKind.ITEM: "W-100",
        AttributeTypeKind.PROJECT: "P1",
        AttributeTypeKind.TASK: "T1",
        AttributeTypeKind.EMPLOYEE: "E1",
    }
    assert set(ids) == set(AttributeTypeKind)
    return tuple(AttributeRef(type=kind, id=value) for kind, value in ids.items())


def _broken_documents() -> list[Document]:
    """One document per kind of broken reference (and one per check a row must pass)."""
    good = invoice()
    line = good.lines[0]
    purchase = invoice(
        type=DocumentType.PURCHASE_INVOICE,
        customer_id=None,
        supplier_id="S1",
        payment_term_id="N45",
        supplier_invoice_number="INV-9",
        tax_solution_id=None,
        lines=(_line(tax_detail_id="US-7.25", tax_amount=Decimal(1)),),
    )
    return [
        invoice("B-site", site_id="NOPE"),
        invoice("B-customer", customer_id="C404"),
        invoice("B-term", payment_term_id="N45"),  # an AP term on a sales document
        invoice("B-tax-solution", tax_solution_id="NOPE"),
        invoice("B-item", lines=(dataclasses.replace(line, item_id="NOPE"),)),
        invoice("B-tax-type", lines=(dataclasses.replace(line, tax_detail_id="US-PUR-0"),)),
        invoice("B-account", lines=(_line(account_id="9999"),)),
        invoice("B-dimension", lines=(_line(dimensions=(DimensionRef(type="DEPT", id="D99"),)),)),
        invoice(
            "B-role",
            lines=(
                _line(attributes=(AttributeRef(type=AttributeTypeKind.STOCK_SITE, id="US01"),)),
            ),
        ),
        invoice(
            "B-project",
            lines=(_line(attributes=(AttributeRef(type=AttributeTypeKind.PROJECT, id="P9"),)),),
        ),
        invoice(
            "B-task",
            lines=(
                _line(
                    attributes=(
                        AttributeRef(type=AttributeTypeKind.PROJECT, id="P2"),
                        AttributeRef(type=AttributeTypeKind.TASK, id="T1"),
                    )
                ),
            ),
        ),
        invoice("B-reverses", type=DocumentType.SALES_CREDIT_MEMO, reverses="SI-404"),
        dataclasses.replace(purchase, number="B-purchase-tax"),
        shipment("B-stock-site", site_id="US01"),
        shipment(
            "B-transfer",
            type=DocumentType.STOCK_TRANSFER,
            customer_id=None,
            to_site_id="US01",
        ),
    ]


def _good_documents() -> list[Document]:
    return [
        invoice("G-1"),
        invoice("G-every", lines=(_line(attributes=_every_attribute()),)),
        shipment("G-2"),
        shipment("G-3", type=DocumentType.STOCK_TRANSFER, customer_id=None, to_site_id="WH2"),
    ]


def _refs_as_needs(session: Session, document: Document) -> set[object]:
    return {(ref.table, ref.key, ref.check) for ref in RefCache(session, T).refs(document)}


def test_a_documents_needs_are_its_references_without_their_fields(session: Session) -> None:
    demo = [
        record
        for record in DemoGenerator(seed=11, documents=400).records()
        if isinstance(record, Document)
    ]
    assert len({document.type for document in demo}) >= 6
    for document in [*_good_documents(), *_broken_documents(), *demo]:
        assert document_needs(document) == _refs_as_needs(session, document), document.number


def test_a_batch_refuses_each_document_as_one_save_does(session: Session) -> None:
    seed_reference(session, T)
    broken, good = _broken_documents(), _good_documents()
    expected: dict[str, list[tuple[str, str]]] = {}
    for document in broken:
        with session.begin_nested() as savepoint:
            with pytest.raises(RecordRejectedError) as caught:
                repo.save_document(session, T, document)
            savepoint.rollback()
        expected[f"{document.type.value} {document.number}"] = [
            (issue.field, issue.reason) for issue in caught.value.issues
        ]
    # the good ones between the broken ones, all in one batch
    mixed: list[Document] = []
    for index, document in enumerate(broken):
        mixed += [document, *good[index : index + 1]]
    report = import_records(session, mixed, tenant_id=T, batch_size=len(mixed))
    found: dict[str, list[tuple[str, str]]] = {}
    for error in report.errors:
        assert error.record is not None
        found.setdefault(error.record, []).append((error.field, error.reason))
    assert found == expected
    assert sorted(report.rejected) == sorted(expected)
    assert sorted(report.created) == sorted(f"{doc.type.value} {doc.number}" for doc in good)


def test_a_document_read_back_is_the_one_written(session: Session) -> None:
    seed_reference(session, T)
    document = invoice(
        "RT-1",
        date=dt.date(2024, 1, 2),
        lines=(
            _line(
                quantity=Decimal("1.500000"),
                unit_price=Decimal("0.000001"),
                tax_detail_id="US-7.25",
                tax_amount=Decimal("100"),
                description="first",
                attributes=_every_attribute(),
                dimensions=(DimensionRef(type="DEPT", id="D10"),),
            ),
            _line(line_number=2, quantity=Decimal("2.000"), unit_price=Decimal("3.25")),
        ),
    )
    report = import_records(session, [document], tenant_id=T)
    assert report.created == ["sales_invoice RT-1"]
    session.expire_all()
    assert repo.get_document(session, T, document.type, document.number) == document


_REFUSE = {
    "sqlite": [
        "CREATE TRIGGER refuse_line_attribute BEFORE INSERT ON document_line_attribute "
        "WHEN NEW.value_id = 'REFUSED' BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_line_attribute() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN IF NEW.value_id = 'REFUSED' THEN RAISE EXCEPTION 'refused by a trigger'; "
        "END IF; RETURN NEW; END $$",
        "CREATE TRIGGER refuse_line_attribute BEFORE INSERT ON document_line_attribute "
        "FOR EACH ROW EXECUTE FUNCTION refuse_line_attribute()",
    ],
}


def test_a_row_the_database_refuses_costs_its_document_only(session: Session) -> None:
    """The batch's many-row inserts fail; its documents are saved one by one, and only the
    refused one is left out (with its change event)."""
    seed_reference(session, T)
    refused = Attribute(type=AttributeTypeKind.PROJECT, id="REFUSED", name="Refused")
    assert import_records(session, [refused], tenant_id=T).created == ["attribute project/REFUSED"]
    for statement in _REFUSE[session.get_bind().dialect.name]:
        session.execute(text(statement))
    before = max((event.id for event in repo.list_change_events(session, T)), default=0)
    project = (AttributeRef(type=AttributeTypeKind.PROJECT, id="P2"),)
    documents = [
        invoice(f"M-{index:03}", lines=(_line(attributes=project), _line(line_number=2)))
        for index in range(120)
    ]
    bad = dataclasses.replace(
        documents[61],
        lines=(_line(attributes=(AttributeRef(type=AttributeTypeKind.PROJECT, id="REFUSED"),)),),
    )
    documents[61] = bad
    report = import_records(session, documents, tenant_id=T)
    assert report.rejected == ["sales_invoice M-061"]
    assert len(report.errors) == 1
    assert "the database refused it" in report.errors[0].reason
    assert "refused by a trigger" in report.errors[0].reason
    assert report.created == [f"sales_invoice {d.number}" for d in documents if d is not bad]
    events = repo.list_change_events(session, T, after_id=before)
    assert [(e.kind, e.key, e.action) for e in events] == [
        ("sales_invoice", d.number, "created") for d in documents if d is not bad
    ]
    session.expire_all()
    stored = repo.list_documents(session, T, DocumentType.SALES_INVOICE)
    assert {d.number for d in stored} >= {d.number for d in documents if d is not bad}
    assert "M-061" not in {d.number for d in stored}
    assert [d for d in stored if d.number.startswith("M-")] == [
        d for d in documents if d is not bad
    ]
