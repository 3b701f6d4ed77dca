"""ITEM."""

from __future__ import annotations

from intacct_bridge.sandbox import errors
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.objects.common import STATUS
from intacct_bridge.sandbox.schema import FieldSpec, ObjectType, object_type
from intacct_bridge.sandbox.store import Record

ITEM_TYPES = (
    ("I", "Inventory"),
    ("NI", "Non-Inventory"),
    ("NP", "Non-Inventory (Purchase only)"),
    ("NS", "Non-Inventory (Sales only)"),
    ("K", "Kit"),
    ("SK", "Stockable Kit"),
)


def _item_type_fixed(ctx: Context, otype: ObjectType, new: Record, old: Record | None) -> None:
    if old is not None and new.values.get("ITEMTYPE") != old.values.get("ITEMTYPE"):
        raise errors.business_error(
            f"The item type of item {old.values.get('ITEMID')} cannot be changed "
            f"(it is {old.values.get('ITEMTYPE')}).",
            "Leave ITEMTYPE out of the update, or create a new item.",
        )


ITEM = object_type(
    "ITEM",
    "Item",
    (
        FieldSpec("ITEMID", required=True, max_length=30, label="Item ID"),
        FieldSpec("NAME", required=True, max_length=100, label="Name"),
        FieldSpec("ITEMTYPE", "enum", required=True, choices=ITEM_TYPES, label="Item type"),
        STATUS,
        FieldSpec("PRODUCTLINEID", label="Product line"),
        FieldSpec(
            "COST_METHOD",
            "enum",
            choices=(("S", "Standard"), ("A", "Average"), ("F", "FIFO"), ("L", "LIFO")),
            label="Cost method",
        ),
        FieldSpec("EXTENDED_DESCRIPTION", max_length=4000),
        FieldSpec("PODESCRIPTION", max_length=4000, label="Purchasing description"),
        FieldSpec("SODESCRIPTION", max_length=4000, label="Sales description"),
        FieldSpec("UOMGRP", label="Unit of measure"),
        FieldSpec("NOTE", max_length=4000),
        FieldSpec("SHIP_WEIGHT", "decimal", label="Shipping weight"),
        FieldSpec("GLGROUP", label="GL group"),
        FieldSpec("DEFAULT_CONVERSIONTYPE", label="Default conversion type"),
        FieldSpec("STANDARD_COST", "decimal", label="Standard cost"),
        FieldSpec("BASEPRICE", "decimal", label="Base price"),
        FieldSpec("TAXABLE", "boolean", default="true"),
        FieldSpec("TAXGROUP", label="Tax group"),
        FieldSpec("INCOMEACCTKEY", label="Revenue GL account"),
        FieldSpec("INVACCTKEY", label="Inventory GL account"),
        FieldSpec("EXPENSEACCTKEY", label="Expense GL account"),
        FieldSpec("COGSACCTKEY", label="COGS GL account"),
        FieldSpec("OFFSETOEGLACCOUNTKEY", label="AR GL account"),
        FieldSpec("OFFSETPOGLACCOUNTKEY", label="AP GL account"),
        FieldSpec("DEFERREDREVACCTKEY", label="Deferred revenue GL account"),
        FieldSpec("ENABLEFULFILLMENT", "boolean", default="false"),
        FieldSpec("ENABLE_SERIALNO", "boolean", default="false"),
        FieldSpec("ENABLE_LOT_CATEGORY", "boolean", default="false"),
        FieldSpec("ENABLE_BINS", "boolean", default="false"),
        FieldSpec("ENABLE_EXPIRATION", "boolean", default="false"),
        FieldSpec("UPC", max_length=40),
        FieldSpec("MRR", "boolean", default="false", label="Monthly recurring revenue"),
        FieldSpec("INV_PRECISION", "integer"),
        FieldSpec("SO_PRECISION", "integer"),
        FieldSpec("PO_PRECISION", "integer"),
        FieldSpec("WEIGHT", "decimal"),
        FieldSpec("LENGTH", "decimal"),
        FieldSpec("WIDTH", "decimal"),
        FieldSpec("HEIGHT", "decimal"),
    ),
    id_field="ITEMID",
    update_keys=("ITEMID",),
    plural="Items",
    validators=(_item_type_fixed,),
    url_path="/ia/acct/item.phtml",
)

OBJECTS = (ITEM,)
