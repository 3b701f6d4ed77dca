"""The v2.1 DTD content models of the legacy functions the sandbox emulates.

Intacct validates a legacy (2.1-style) function against its DTD before it runs anything: an
element out of order (``<invoiceitems>`` first, ``<amount>`` before ``<glaccountno>``), an
unknown element, a missing required one, text where a date block (``year, month, day``) is
expected or an undeclared attribute makes the whole request fail with ``XL03000003``
(reference §4). The sandbox does the same with lxml's DTD validator over the declarations
below: Intacct's own, taken from ``intacct_request.v2.1.dtd`` (with its parameter entities
expanded) for every legacy function the sandbox implements and every element they contain.
``tests/sandbox/test_legacy_schema.py`` compares them with the official DTD files when
those are at hand; at run time nothing outside this module is read.

:data:`EXTENSIONS` lists the few places where the sandbox accepts more than the v2.1 DTD,
each because an official Intacct SDK writes it (so production accepts it).

Layer: values and schema (imports lxml and :mod:`.errors` only).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import cache
from typing import Any, cast

from lxml import etree

from intacct_bridge.sandbox import errors

#: Elements whose content is text only (``<!ELEMENT name (#PCDATA)>``), without attributes.
TEXT_ELEMENTS: frozenset[str] = frozenset(
    {
        "accountholder",
        "accountlabel",
        "accountnumber",
        "accounttype",
        "action",
        "address1",
        "address2",
        "adjustmentno",
        "allocationid",
        "amount",
        "arpaymentkey",
        "authcode",
        "bankaccountid",
        "bankname",
        "basecurr",
        "batchkey",
        "billable",
        "billno",
        "cardnum",
        "cardtype",
        "cctype",
        "cellphone",
        "city",
        "classid",
        "companyname",
        "contactname",
        "contractid",
        "costtypeid",
        "country",
        "currency",
        "customerid",
        "customfieldname",
        "customfieldvalue",
        "day",
        "defrevaccount",
        "departmentid",
        "description",
        "detailid",
        "discamount",
        "disccalcon",
        "discday",
        "discfrom",
        "discgracedays",
        "discpercamn",
        "dueday",
        "duefrom",
        "email1",
        "email2",
        "employeeid",
        "exchrate",
        "exchratetype",
        "exp_month",
        "exp_year",
        "externalid",
        "fax",
        "firstname",
        "form1099box",
        "form1099type",
        "glaccountno",
        "inclusivetax",
        "initial",
        "invoicekey",
        "invoiceno",
        "isocountrycode",
        "item1099",
        "itemid",
        "key",
        "lastname",
        "latitude",
        "locationid",
        "longitude",
        "memo",
        "month",
        "name",
        "nogl",
        "offsetglaccountno",
        "onhold",
        "overpaydeptid",
        "overpaylocid",
        "pager",
        "partialexempt",
        "paymentamount",
        "paymentmethod",
        "paymenttaxcapture",
        "pen_type",
        "penamount",
        "pengracedays",
        "penpercamn",
        "phone1",
        "phone2",
        "ponumber",
        "prefix",
        "printas",
        "projectid",
        "refid",
        "revrectemplate",
        "routingnumber",
        "securitycode",
        "state",
        "status",
        "supdocid",
        "taskid",
        "taxable",
        "taxgroup",
        "taxid",
        "taxschedule",
        "taxsolutionid",
        "termname",
        "totaldue",
        "totalpaid",
        "totaltrxamount",
        "translatedamount",
        "trx_tax",
        "undepfundsacct",
        "url1",
        "url2",
        "usedefaultaccount",
        "usedefaultcard",
        "vendorid",
        "warehouseid",
        "year",
        "zip",
    }
)

#: Content models, exactly as the v2.1 DTD declares them (``EMPTY`` for empty elements).
MODELS: dict[str, str] = {
    "create_bill": (
        "(vendorid , datecreated , dateposted? , ((datedue , termname?) | termname) , action? "
        ", batchkey? , billno? , ponumber? , onhold? , description? , externalid? , payto? , "
        "returnto? , (basecurr? , currency , ((exchratedate? , exchratetype) | exchrate))? , "
        "nogl? , supdocid? , customfields? , inclusivetax? , taxsolutionid? , billitems)"
    ),
    "create_invoice": (
        "(customerid , datecreated , dateposted? , datedue? , termname? , batchkey? , action? "
        ", invoiceno? , ponumber? , description? , externalid? , billto? , shipto? , "
        "(basecurr? , currency , ((exchratedate? , exchratetype) | exchrate))? , nogl? , "
        "supdocid? , customfields? , taxsolutionid? , invoiceitems)"
    ),
    "create_apadjustment": (
        "(vendorid , datecreated , dateposted? , batchkey? , adjustmentno? , action? , billno? "
        ", description? , externalid? , (basecurr? , currency , ((exchratedate? , "
        "exchratetype) | exchrate))? , nogl? , customfields? , inclusivetax? , taxsolutionid? "
        ", apadjustmentitems)"
    ),
    "create_aradjustment": (
        "(customerid , datecreated , dateposted? , batchkey? , adjustmentno? , action? , "
        "invoiceno? , description? , externalid? , (basecurr? , currency , ((exchratedate? , "
        "exchratetype) | exchrate))? , nogl? , taxsolutionid? , aradjustmentitems)"
    ),
    "create_arpayment": (
        "(customerid , paymentamount , translatedamount? , (batchkey | bankaccountid | "
        "undepfundsacct)? , refid? , overpaylocid? , overpaydeptid? , datereceived? , "
        "paymentmethod? , (basecurr? , currency , ((exchratedate? , exchratetype) | "
        "exchrate))? , cctype? , authcode? , arpaymentitem* , (onlinecardpayment | "
        "onlineachpayment)*)"
    ),
    "apply_arpayment": (
        "(arpaymentkey , paymentdate , batchkey? , memo? , overpaylocid? , overpaydeptid? , "
        "arpaymentitems*)"
    ),
    "create_apterm": "(name , description? , status? , due? , discount? , disccalcon? , penalty?)",
    "create_arterm": "(name , description? , status? , due? , discount? , disccalcon? , penalty?)",
    "create_contact": (
        "(contactname , printas , companyname? , taxable? , taxgroup? , prefix? , firstname? , "
        "lastname? , initial? , phone1? , phone2? , cellphone? , pager? , fax? , email1? , "
        "email2? , url1? , url2? , status? , mailaddress? , taxid? , taxsolutionid? , "
        "taxschedule? , externalid?)"
    ),
    "update_contact": (
        "(printas , companyname? , taxable? , taxgroup? , prefix? , firstname? , lastname? , "
        "initial? , phone1? , phone2? , cellphone? , pager? , fax? , email1? , email2? , url1? "
        ", url2? , status? , mailaddress? , taxid? , taxsolutionid? , taxschedule?)"
    ),
    "delete_vendor": "EMPTY",
    "delete_customer": "EMPTY",
    "delete_item": "EMPTY",
    "delete_glaccount": "EMPTY",
    "delete_contact": "EMPTY",
    "delete_department": "EMPTY",
    "delete_location": "EMPTY",
    "delete_class": "EMPTY",
    "delete_project": "EMPTY",
    "delete_employee": "EMPTY",
    "delete_bill": "EMPTY",
    "delete_invoice": "EMPTY",
    "delete_apadjustment": "EMPTY",
    "delete_aradjustment": "EMPTY",
    "delete_arpayment": "EMPTY",
    "datecreated": "(year , month , day)",
    "dateposted": "(year , month , day)",
    "datedue": "(year , month , day)",
    "payto": "(contact | contactname)",
    "returnto": "(contact | contactname)",
    "exchratedate": "(year , month , day)",
    "customfields": "(customfield*)",
    "billitems": "(lineitem+)",
    "billto": "(contact | contactname)",
    "shipto": "(contact | contactname)",
    "invoiceitems": "(lineitem+)",
    "apadjustmentitems": "(lineitem+)",
    "aradjustmentitems": "(lineitem+)",
    "datereceived": "(year , month , day)",
    "arpaymentitem": "(invoicekey , amount)",
    "onlinecardpayment": "(cardnum , expirydate , cardtype , securitycode? , usedefaultcard?)",
    "onlineachpayment": (
        "(bankname , accounttype , accountnumber , routingnumber , accountholder , "
        "usedefaultaccount?)"
    ),
    "paymentdate": "(year , month , day)",
    "arpaymentitems": "(arpaymentitem+)",
    "due": "(dueday? , duefrom?)+",
    "discount": "(discday? , discfrom? , discamount? , discpercamn? , discgracedays?)+",
    "penalty": "(pen_type? , penamount? , penpercamn? , pengracedays?)+",
    "mailaddress": (
        "(address1? , address2? , city? , state? , zip? , country? , isocountrycode? , "
        "latitude? , longitude?)"
    ),
    "contact": (
        "(contactname , printas , taxable? , companyname? , taxgroup? , prefix? , firstname? , "
        "lastname? , initial? , phone1? , phone2? , cellphone? , pager? , fax? , email1? , "
        "email2? , url1? , url2? , status? , mailaddress? , taxid? , taxsolutionid? , "
        "taxschedule?)"
    ),
    "customfield": "(customfieldname , customfieldvalue)",
    "lineitem": (
        "((accountlabel | glaccountno) , offsetglaccountno? , amount , allocationid? , memo? , "
        "locationid? , departmentid? , item1099? , form1099type? , form1099box? , key? , "
        "totalpaid? , totaldue? , customfields? , revrectemplate? , defrevaccount? , "
        "revrecstartdate? , revrecenddate? , (projectid , (taskid , costtypeid?)?)? , "
        "customerid? , vendorid? , employeeid? , itemid? , classid? , contractid? , "
        "warehouseid? , billable? , totaltrxamount? , partialexempt? , paymenttaxcapture? , "
        "taxentries?)"
    ),
    "expirydate": "(exp_month , exp_year)",
    "revrecstartdate": "(year , month , day)",
    "revrecenddate": "(year , month , day)",
    "taxentries": "(taxentry+)",
    "taxentry": "(detailid , trx_tax?)",
}

#: Attribute declarations: element -> (name, type, default), as the DTD declares them.
ATTRIBUTES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "create_contact": (("ignoreduplicates", "(true | false)", '"false"'),),
    "update_contact": (
        ("contactname", "CDATA", "#REQUIRED"),
        ("externalkey", "(true | false)", '"false"'),
        ("set_nulls", "(true | false)", '"false"'),
    ),
    "delete_vendor": (
        ("vendorid", "CDATA", "#REQUIRED"),
        ("externalkey", "(true | false)", '"false"'),
    ),
    "delete_customer": (
        ("customerid", "CDATA", "#REQUIRED"),
        ("externalkey", "(true | false)", '"false"'),
    ),
    "delete_item": (("itemid", "CDATA", "#REQUIRED"),),
    "delete_glaccount": (
        ("glaccountno", "CDATA", "#REQUIRED"),
        ("externalkey", "(true | false)", '"false"'),
    ),
    "delete_contact": (
        ("contactname", "CDATA", "#REQUIRED"),
        ("externalkey", "(true | false)", '"false"'),
    ),
    "delete_department": (
        ("departmentid", "CDATA", "#REQUIRED"),
        ("externalkey", "(true | false)", '"false"'),
    ),
    "delete_location": (
        ("locationid", "CDATA", "#REQUIRED"),
        ("externalkey", "(true | false)", '"false"'),
    ),
    "delete_class": (
        ("key", "CDATA", "#REQUIRED"),
        ("externalkey", "(true | false)", '"false"'),
    ),
    "delete_project": (
        ("key", "CDATA", "#REQUIRED"),
        ("externalkey", "(true | false)", '"false"'),
    ),
    "delete_employee": (
        ("employeeid", "CDATA", "#REQUIRED"),
        ("externalkey", "(true | false)", '"false"'),
    ),
    "delete_bill": (
        ("key", "CDATA", "#REQUIRED"),
        ("externalkey", "(true | false)", '"false"'),
    ),
    "delete_invoice": (
        ("key", "CDATA", "#REQUIRED"),
        ("externalkey", "(true | false)", '"false"'),
    ),
    "delete_apadjustment": (
        ("key", "CDATA", "#REQUIRED"),
        ("externalkey", "(true | false)", '"false"'),
    ),
    "delete_aradjustment": (
        ("key", "CDATA", "#REQUIRED"),
        ("externalkey", "(true | false)", '"false"'),
    ),
    "delete_arpayment": (("key", "CDATA", "#REQUIRED"),),
}

#: Where the sandbox accepts more than the v2.1 DTD: element -> (DTD text, sandbox text,
#: why). Applied to :data:`MODELS` when the validator is built.
EXTENSIONS: dict[str, tuple[str, str, str]] = {
    "create_invoice": (
        "ponumber? , description?",
        "ponumber? , onhold? , description?",
        "the official SDKs' InvoiceCreate writes <onhold> after <ponumber>",
    ),
}


def model_of(name: str) -> str:
    """The content model the sandbox enforces for ``name`` (the DTD's, with its extension)."""
    model = MODELS[name]
    extension = EXTENSIONS.get(name)
    if extension is not None:
        model = model.replace(extension[0], extension[1], 1)
    return model


def dtd_text() -> str:
    """The declarations as DTD text (what :func:`validator` parses)."""
    lines = [f"<!ELEMENT {name} (#PCDATA)>" for name in sorted(TEXT_ELEMENTS)]
    lines += [f"<!ELEMENT {name} {model_of(name)}>" for name in MODELS]
    for name, attributes in ATTRIBUTES.items():
        body = " ".join(f"{attr} {kind} {default}" for attr, kind, default in attributes)
        lines.append(f"<!ATTLIST {name} {body}>")
    return "\n".join(lines)


@cache
def validator() -> etree.DTD:
    return etree.DTD(io.StringIO(dtd_text()))


def is_checked(function: str) -> bool:
    """Whether the sandbox validates ``function`` against the DTD (a legacy function the
    v2.1 DTD declares)."""
    return function in MODELS


def check(element: etree._Element) -> None:
    """Refuse a legacy function element that does not follow its DTD content model; raises
    the request-level ``XL03000003`` (nothing in the request runs)."""
    name = etree.QName(element).localname
    if name not in MODELS:
        return
    dtd = validator()
    if dtd.validate(element):
        return
    log = cast(Iterable[Any], dtd.error_log)  # iterable at run time; the stubs say otherwise
    problems = [str(entry.message) for entry in log]
    first = problems[0] if problems else f"Element {name} does not follow the DTD"
    raise errors.ControlError(
        errors.ErrorDetail(
            "XL03000003",
            "XML Parse schema error",
            f"XML Parse schema error: {first}.",
            f"Send the elements of <{name}> in the order and form of its 2.1 DTD (dates as "
            "<year>, <month>, <day>); nothing in the request was run.",
        )
    )
