from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from intacct_bridge.model import (
    RULES,
    AttributeRef,
    AttributeTypeKind,
    Document,
    DocumentLine,
    DocumentStatus,
    DocumentType,
)
from intacct_bridge.store import repositories as repo
from intacct_bridge.store.errors import DocumentPostedError, RecordRejectedError
from tests.store.factories import invoice, seed_reference, shipment

T = "default"


@pytest.fixture
def seeded(session: Session) -> Session:
    seed_reference(session, T)
    return session


def _issues(session: Session, document: Document) -> dict[str, str]:
    with pytest.raises(RecordRejectedError) as caught:
        repo.save_document(session, T, document)
    assert repo.get_document(session, T, document.type, document.number) is None
    return {issue.field: issue.reason for issue in caught.value.issues}


def _memo(**overrides: object) -> Document:
    fields: dict[str, object] = {
        "type": DocumentType.SALES_CREDIT_MEMO,
        "number": "CM-1",
        "reverses": "SI-1",
    }
    fields.update(overrides)
    return invoice(**fields)


def test_document_round_trips_with_lines_tax_attributes_and_dimensions(seeded: Session) -> None:
    doc = invoice()
    assert repo.save_document(seeded, T, doc) is repo.Outcome.CREATED
    seeded.expire_all()
    assert repo.get_document(seeded, T, "sales_invoice", "SI-1") == doc
    assert repo.list_documents(seeded, T) == [doc]
    assert repo.list_documents(seeded, T, DocumentType.SALES_SHIPMENT) == []


def test_resaving_is_a_no_op_and_a_draft_can_be_replaced(seeded: Session) -> None:
    doc = invoice()
    repo.save_document(seeded, T, doc)
    assert repo.save_document(seeded, T, invoice()) is repo.Outcome.UNCHANGED
    fewer = dataclasses.replace(doc, lines=doc.lines[:1])
    assert repo.save_document(seeded, T, fewer) is repo.Outcome.UPDATED
    seeded.expire_all()
    assert repo.get_document(seeded, T, doc.type, doc.number) == fewer
    actions = [e.action for e in repo.list_change_events(seeded, T) if e.kind == "sales_invoice"]
    assert actions == ["created", "updated"]


def test_posted_document_cannot_be_edited(seeded: Session) -> None:
    doc = invoice()
    repo.save_document(seeded, T, doc)
    posted = repo.post_document(seeded, T, doc.type, doc.number)
    assert posted.status is DocumentStatus.POSTED
    # the same content again (even marked draft) changes nothing
    assert repo.save_document(seeded, T, doc) is repo.Outcome.UNCHANGED
    line = dataclasses.replace(doc.lines[1], quantity=Decimal("9"))
    with pytest.raises(DocumentPostedError) as caught:
        repo.save_document(seeded, T, dataclasses.replace(doc, lines=(doc.lines[0], line)))
    assert caught.value.field == "lines[1].quantity"
    assert caught.value.reason == (
        "sales_invoice SI-1 is posted and cannot be changed; "
        "reverse it with a sales credit memo instead"
    )
    seeded.expire_all()
    stored = repo.get_document(seeded, T, doc.type, doc.number)
    assert stored is not None and stored.lines[1].quantity == Decimal("1.5")


def test_saving_an_identical_document_as_posted_posts_the_draft(seeded: Session) -> None:
    repo.save_document(seeded, T, invoice())
    assert repo.save_document(seeded, T, invoice(status="posted")) is repo.Outcome.POSTED
    assert repo.save_document(seeded, T, invoice(status="posted")) is repo.Outcome.UNCHANGED
    actions = [e.action for e in repo.list_change_events(seeded, T) if e.kind == "sales_invoice"]
    assert actions == ["created", "posted"]


def test_credit_memo_reverses_a_posted_invoice_of_the_same_customer(seeded: Session) -> None:
    assert _issues(seeded, _memo()) == {"reverses": "unknown sales invoice 'SI-1'; fix the number"}
    repo.save_document(seeded, T, invoice())
    assert _issues(seeded, _memo()) == {
        "reverses": "sales invoice 'SI-1' is not posted; post it before reversing it"
    }
    repo.post_document(seeded, T, "sales_invoice", "SI-1")
    other = _issues(seeded, _memo(customer_id="C2", payment_term_id=None))
    assert "is for another party" in other["reverses"]
    assert repo.save_document(seeded, T, _memo()) is repo.Outcome.CREATED


def test_references_of_every_line_are_checked(seeded: Session) -> None:
    doc = invoice()
    bad_line = DocumentLine(
        line_number=3,
        item_id="NOPE",
        quantity=Decimal(1),
        unit_price=Decimal(1),
        tax_detail_id="US-PUR-0",
        attributes=(
            AttributeRef(type=AttributeTypeKind.STOCK_SITE, id="US01"),
            AttributeRef(type=AttributeTypeKind.PROJECT, id="P2"),
            AttributeRef(type=AttributeTypeKind.TASK, id="T1"),
        ),
    )
    issues = _issues(seeded, dataclasses.replace(doc, lines=(*doc.lines, bad_line)))
    assert issues == {
        "lines[2].item_id": "unknown item 'NOPE'; create it first or fix the ID",
        "lines[2].tax_detail_id": "tax detail 'US-PUR-0' is for purchase, not sales; "
        "use a sales tax",
        "lines[2].attributes.stock_site": "site 'US01' is not a stock site",
        "lines[2].attributes.task": "task 'T1' belongs to project 'P1', not 'P2'; "
        "fix the task or the project",
    }


def test_stock_documents_happen_at_stock_sites(seeded: Session) -> None:
    assert _issues(seeded, shipment(site_id="US01")) == {
        "site_id": "site 'US01' is not a stock site"
    }
    transfer = shipment(type=DocumentType.STOCK_TRANSFER, customer_id=None, to_site_id="US01")
    assert _issues(seeded, transfer) == {"to_site_id": "site 'US01' is not a stock site"}
    ok = shipment(type=DocumentType.STOCK_TRANSFER, customer_id=None, to_site_id="WH2")
    assert repo.save_document(seeded, T, ok) is repo.Outcome.CREATED


def test_every_document_type_can_be_stored(seeded: Session) -> None:
    for kind in DocumentType:
        rule = RULES[kind]
        fields: dict[str, object] = {
            "type": kind,
            "number": f"N-{kind.value}",
            "customer_id": None,
            "supplier_id": None,
        }
        if rule.party.value == "customer":
            fields["customer_id"] = "C1"
        if rule.party.value == "supplier":
            fields["supplier_id"] = "S1"
        if rule.transfer:
            fields["to_site_id"] = "WH2"
        if rule.priced:
            doc = invoice(
                payment_term_id=None,
                due_date=None,
                tax_solution_id=None,
                supplier_invoice_number="X-1" if rule.party.value == "supplier" else None,
                lines=(
                    DocumentLine(
                        line_number=1, item_id="W-100", quantity=Decimal(1), unit_price=Decimal(3)
                    ),
                ),
                **fields,
            )
        else:
            doc = shipment(**fields)
        assert repo.save_document(seeded, T, doc) is repo.Outcome.CREATED, kind
    seeded.expire_all()
    assert len(repo.list_documents(seeded, T)) == len(DocumentType)
