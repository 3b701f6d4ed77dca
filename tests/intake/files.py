"""Import files built from the test factories (the plain form is the import format)."""

from __future__ import annotations

import json

from intacct_bridge.model import Document, Record
from intacct_bridge.model.canonical import to_plain
from tests.store.factories import reference_records


def jsonl_line(record: Record) -> str:
    plain = to_plain(record)
    assert isinstance(plain, dict)
    if isinstance(record, Document):
        kind = str(plain.pop("type"))
    else:
        kind = record.KIND
    return json.dumps({"kind": kind, **plain})


def master_jsonl() -> str:
    return "\n".join(jsonl_line(record) for record in reference_records()) + "\n"


DOCUMENTS_CSV = """\
kind,number,date,site_id,customer_id,currency,status,line.item_id,line.quantity,line.unit_price,line.unit_cost,line.tax_detail_id,line.tax_amount,line.attributes.project,line.dimensions.DEPT
sales_invoice,SI-1,2024-01-05,US01,C1,USD,posted,W-100,2,10.50,,US-7.25,1.52,P1,D10
sales_invoice,SI-1,,,,,,G-200,1,3,,,,,
sales_invoice,SI-2,2024-01-06,US01,C1,USD,,W-100,1,10,,,,,
sales_invoice,SI-2,,,,,,G-200,abc,3,,,,,
sales_invoice,SI-3,2024-01-06,US01,C9,USD,,W-100,1,10,,,,,
sales_shipment,SH-1,2024-01-05,WH1,C1,,,W-100,2,,4.10,,,,
sales_shipment,SH-2,2024-01-05,WH1,C1,,,W-100,2,,,,,,
"""
