"""The Open items page: stored open items with their payment status, filtered by status,
and only the signed-in user's tenant's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from intacct_bridge.store.tables.posting import OpenItemRow
from tests.console.conftest import World


def _item(tenant: str, key: str, status: str, paid: str, due: str) -> OpenItemRow:
    return OpenItemRow(
        tenant_id=tenant,
        document_key=key,
        intacct_object="ARINVOICE",
        record_no=71,
        party_id="CUST1",
        currency="USD",
        due_date="12/10/2026",
        total_amount=Decimal(paid) + Decimal(due),
        paid_amount=Decimal(paid),
        due_amount=Decimal(due),
        intacct_state="Posted",
        status=status,
        prepaid_amount=Decimal(0),
        pulled_at=dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC),
    )


def test_open_items_are_listed_by_status_for_the_tenant_only(world: World) -> None:
    with world.sessions.begin() as session:
        session.add(_item(world.a, "sales_invoice/SI-1", "partiallyPaid", "50", "58"))
        session.add(_item(world.a, "sales_invoice/SI-2", "notPaid", "0", "66"))
        session.add(_item(world.b, "sales_invoice/SECRET-B", "paid", "10", "0"))
    browser = world.signed_in(world.viewer)
    page = browser.get(f"/console/t/{world.a}/openitems")
    assert page.status_code == 200
    assert "sales_invoice/SI-1" in page.text and "sales_invoice/SI-2" in page.text
    assert "Partially paid" in page.text and ">58<" in page.text
    assert "SECRET-B" not in page.text
    assert 'href="/console/t/' + world.a + '/openitems" class="on"' in page.text  # nav link
    only = browser.get(f"/console/t/{world.a}/openitems?status=notPaid")
    assert "sales_invoice/SI-2" in only.text and "sales_invoice/SI-1" not in only.text
    other = browser.get(f"/console/t/{world.b}/openitems")
    assert other.status_code in (403, 404) and "SECRET-B" not in other.text
    anonymous = world.client().get(f"/console/t/{world.a}/openitems")
    assert anonymous.status_code in (303, 401) and "SI-1" not in anonymous.text
