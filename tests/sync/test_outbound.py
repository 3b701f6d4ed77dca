"""Master data out, end to end: store → outbox → worker → client → sandbox → state."""

from __future__ import annotations

from decimal import Decimal

from intacct_bridge.sync import state
from intacct_bridge.sync.state import SyncState
from tests.sync.conftest import TENANT, Bridge, address, contact, customer, item, supplier


def test_master_data_appears_in_intacct_with_the_right_fields(bridge: Bridge) -> None:
    bridge.save(
        contact("Ann Smith"),
        item("W-100"),
        customer("C100", primary_contact="Ann Smith", ship_to=address("Hull")),
        supplier("V100"),
    )
    report = bridge.worker().run_until_idle(TENANT)
    assert report.errors == 0, report.problems
    items = bridge.intacct("ITEM")
    assert items["W-100"]["ITEMTYPE"] in ("Non-Inventory", "NI")
    assert items["W-100"]["NAME"] == "Widget W-100"
    assert Decimal(str(items["W-100"]["STANDARD_COST"])) == Decimal("2.50")
    customers = bridge.intacct("CUSTOMER")
    assert customers["C100"]["CONTACTINFO.CONTACTNAME"] == "Ann Smith"
    assert customers["C100"]["SHIPTO.CONTACTNAME"] == "Customer C100 ship-to"
    assert bridge.intacct("VENDOR")["V100"]["NAME"] == "Supplier V100 plc"
    contacts = bridge.intacct("CONTACT")
    assert contacts["Ann Smith"]["EMAIL1"] == "ann@example.com"
    assert contacts["Customer C100 ship-to"]["MAILADDRESS.CITY"] == "Hull"
    with bridge.sessions() as session:
        summary = state.status(session, TENANT)
        assert summary.total(SyncState.SUCCESS) == 5
        got = state.get_state(session, TENANT, "item", "W-100")
        assert got is not None and got.record_no and got.url and got.version == 1
