"""Contract-test fixtures: the sandbox as a real HTTP server on 127.0.0.1.

Third-party Intacct clients (``sageintacctsdk``, ``pyintacct``) talk ``requests`` to a URL,
so these fixtures run :meth:`Sandbox.asgi_app` under uvicorn in a background thread on a
free port. Data is seeded in-process through :mod:`intacct_bridge.sandbox.admin`.

* ``server`` — a fresh server for the function-scoped ``sandbox`` of ``tests/conftest.py``
  (tests may change clocks, settings and data freely);
* ``big`` — one session-wide, read-only company with 2,600 vendors, a chart of accounts,
  dimensions and a user-defined dimension, for paging and reading tests. Tests must not
  write to it;
* ``connect`` — builds a ``sageintacctsdk`` client on a sandbox URL ("Recipe B");
* ``make_client`` — builds ``pyintacct`` clients on a sandbox URL, each with a
  :class:`Wire` of what it sent and received; ``utc_machine`` runs a test as on a UTC
  machine (pyintacct needs it); :func:`import_pyintacct` imports pyintacct quietly.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import uvicorn
from lxml import etree

from intacct_bridge.sandbox import GATEWAY_PATH, QuickstartCredentials, Sandbox


@dataclass(frozen=True)
class RunningServer:
    """A sandbox served over HTTP; ``url`` is the XML gateway endpoint."""

    base_url: str

    @property
    def url(self) -> str:
        return f"{self.base_url}{GATEWAY_PATH}"


@contextmanager
def serve(sandbox: Sandbox) -> Iterator[RunningServer]:
    """Serve ``sandbox`` with uvicorn on 127.0.0.1 (free port) until the block ends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        sandbox.asgi_app(),
        host="127.0.0.1",
        port=port,
        lifespan="off",
        ws="none",
        log_config=None,
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"sandbox-http-{port}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError(f"the sandbox server did not start on port {port}")
        time.sleep(0.005)
    try:
        yield RunningServer(f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        assert not thread.is_alive(), "the sandbox server did not stop"


@pytest.fixture
def server(sandbox: Sandbox) -> Iterator[RunningServer]:
    """The per-test ``sandbox`` fixture, served over HTTP."""
    with serve(sandbox) as running:
        yield running


# --- third-party clients on the sandbox ---------------------------------------------------------

#: ``connect(url, creds, **overrides)`` — a sageintacctsdk client on ``url``.
Connect = Callable[..., Any]


@pytest.fixture
def connect(monkeypatch: pytest.MonkeyPatch) -> Connect:
    """Recipe B (connector-landscape §6.2): construct ``SageIntacctSDK`` normally (its real
    login) with every ``ApiBase`` starting on the sandbox URL."""
    from sageintacctsdk import SageIntacctSDK
    from sageintacctsdk.apis.api_base import ApiBase

    def connect(url: str, creds: QuickstartCredentials, **overrides: Any) -> Any:
        original = ApiBase.__init__

        def init(self: ApiBase, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            self._ApiBase__api_url = url

        monkeypatch.setattr(ApiBase, "__init__", init)
        arguments: dict[str, Any] = {
            "sender_id": creds.sender_id,
            "sender_password": creds.sender_password,
            "user_id": creds.user_id,
            "company_id": creds.company_id,
            "user_password": creds.user_password,
            **overrides,
        }
        try:
            return SageIntacctSDK(**arguments)
        finally:
            monkeypatch.setattr(ApiBase, "__init__", original)

    return connect


def import_pyintacct() -> Any:
    """pyintacct 0.1.1 calls ``logging.basicConfig(level=INFO)`` at import; undo that."""
    root = logging.getLogger()
    level, handlers = root.level, root.handlers[:]
    try:
        import pyintacct
        import pyintacct.models.accounts_receivable
        import pyintacct.models.base
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers
    return pyintacct


class Wire:
    """What one IntacctAPI instance sent and received (a ``requests`` response hook)."""

    def __init__(self) -> None:
        self.exchanges: list[tuple[bytes, str]] = []

    def __call__(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        self.exchanges.append((response.request.body, response.text))
        return response

    def functions(self) -> list[str]:
        names = []
        for body, _reply in self.exchanges:
            function = etree.fromstring(body).find("operation/content/function")
            assert function is not None
            names.append(etree.QName(function[0]).localname)
        return names


PyClient = tuple[Any, Wire]
#: ``make_client(url, creds, **config)`` — a pyintacct IntacctAPI on ``url`` and its wire.
Make = Callable[..., PyClient]


@pytest.fixture
def utc_machine() -> Iterator[None]:
    """pyintacct reads the UTC ``sessiontimeout`` as local time (``time.mktime``): on a
    machine east of UTC it would think every session had already expired and log in
    before every call. Run its tests as on a UTC machine."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "UTC")
        time.tzset()
        yield
    time.tzset()


@pytest.fixture
def make_client() -> Iterator[Make]:
    """Build IntacctAPI instances pointed at a sandbox URL; closes their HTTP sessions."""
    pyintacct = import_pyintacct()
    made: list[Any] = []

    def make(url: str, creds: QuickstartCredentials, **config: str) -> PyClient:
        api = pyintacct.IntacctAPI(
            config={
                "SENDER_ID": creds.sender_id,
                "SENDER_PW": creds.sender_password,
                "COMPANY_ID": creds.company_id,
                "USER_ID": creds.user_id,
                "USER_PW": creds.user_password,
                **config,
            }
        )
        api.url = url
        wire = Wire()
        api.session.hooks["response"].append(wire)
        made.append(api)
        return api, wire

    yield make
    for api in made:
        api.session.close()


class ShiftableClock:
    """The system clock plus an adjustable offset (to back-date seeded records)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


# --- the shared read-only company --------------------------------------------------------------

VENDOR_COUNT = 2_600
#: Vendors V02501 … V02600 were last modified one day ago; the others ten days ago.
RECENT_FROM = 2_501


def vendor_id(number: int) -> str:
    return f"V{number:05d}"


def vendor_row(number: int) -> dict[str, str]:
    return {
        "VENDORID": vendor_id(number),
        "NAME": f"Supplier {number:04d}",
        "DISPLAYCONTACT.PRINTAS": f"Supplier {number:04d} Ltd",
        "DISPLAYCONTACT.EMAIL1": f"ap{number}@supplier.example",
        "VENDTYPE": "Freight" if number % 4 == 0 else "Supplies",
        "STATUS": "inactive" if number % 10 == 0 else "active",
    }


GL_ACCOUNTS: tuple[dict[str, str], ...] = (
    {"ACCOUNTNO": "1000", "TITLE": "Cash", "CATEGORY": "Cash and Cash Equivalents"},
    {
        "ACCOUNTNO": "1100",
        "TITLE": "Accounts Receivable",
        "ALTERNATIVEACCOUNT": "Receivables account",
    },
    {"ACCOUNTNO": "1200", "TITLE": "Inventory - Raw Materials", "CATEGORY": "Inventory"},
    {
        "ACCOUNTNO": "2000",
        "TITLE": "Accounts Payable",
        "NORMALBALANCE": "credit",
        "ALTERNATIVEACCOUNT": "Payables account",
    },
    {"ACCOUNTNO": "3000", "TITLE": "Retained Earnings", "NORMALBALANCE": "credit"},
    {
        "ACCOUNTNO": "4000",
        "TITLE": "Product Sales",
        "ACCOUNTTYPE": "incomestatement",
        "NORMALBALANCE": "credit",
        "CLOSINGTYPE": "closing account",
        "CLOSINGACCOUNTNO": "3000",
    },
    {
        "ACCOUNTNO": "4100",
        "TITLE": "Service Revenue",
        "ACCOUNTTYPE": "incomestatement",
        "NORMALBALANCE": "credit",
    },
    {"ACCOUNTNO": "5000", "TITLE": "Cost of Goods Sold", "ACCOUNTTYPE": "incomestatement"},
    {"ACCOUNTNO": "6000", "TITLE": "Rent", "ACCOUNTTYPE": "incomestatement"},
    {
        "ACCOUNTNO": "6900",
        "TITLE": "Obsolete Expense",
        "ACCOUNTTYPE": "incomestatement",
        "STATUS": "inactive",
    },
)

DEPARTMENTS: tuple[dict[str, str], ...] = (
    {"DEPARTMENTID": "D100", "TITLE": "Production"},
    {"DEPARTMENTID": "D110", "TITLE": "Assembly", "PARENTID": "D100"},
    {"DEPARTMENTID": "D120", "TITLE": "Machining", "PARENTID": "D100", "CUSTTITLE": "Shop"},
    {"DEPARTMENTID": "D200", "TITLE": "Sales"},
    {"DEPARTMENTID": "D900", "TITLE": "Closed Plant", "STATUS": "inactive"},
)

CLASSES: tuple[dict[str, str], ...] = (
    {"CLASSID": "OEM", "NAME": "OEM customers", "DESCRIPTION": "Original equipment"},
    {"CLASSID": "AFT", "NAME": "Aftermarket"},
    {"CLASSID": "AFT-EU", "NAME": "Aftermarket Europe", "PARENTID": "AFT"},
)

LOCATIONS: tuple[dict[str, str], ...] = (
    {"LOCATIONID": "HQ", "NAME": "Headquarters", "CURRENCY": "USD"},
    {"LOCATIONID": "PLANT1", "NAME": "Plant One", "PARENTID": "HQ", "CURRENCY": "USD"},
    {"LOCATIONID": "WH-EU", "NAME": "EU Warehouse", "CURRENCY": "EUR"},
)

PRODUCT_LINES: tuple[dict[str, str], ...] = (
    {"ID": "PL-PUMP", "NAME": "Pumps"},
    {"ID": "PL-VALVE", "NAME": "Valves"},
)


@dataclass
class BigCompany:
    """The seeded company and what a client should read back from it."""

    sandbox: Sandbox
    server: RunningServer
    creds: QuickstartCredentials
    vendor_ids: set[str] = field(default_factory=set)
    active_vendor_ids: set[str] = field(default_factory=set)
    recent_vendor_ids: set[str] = field(default_factory=set)
    #: ``updated_at`` (``mm/dd/yyyy``, as fyle sends it) between the old and the recent vendors.
    recent_cutoff: str = ""


@pytest.fixture(scope="session")
def big() -> Iterator[BigCompany]:
    clock = ShiftableClock()
    sandbox = Sandbox(seed=2600)
    sandbox.backend.clock = clock
    creds = sandbox.quickstart()
    admin, company = sandbox.admin, creds.company_id

    clock.offset = -timedelta(days=10)
    admin.seed(company, "VENDOR", [vendor_row(n) for n in range(1, RECENT_FROM)])
    admin.seed(company, "GLACCOUNT", GL_ACCOUNTS)
    admin.seed(company, "DEPARTMENT", DEPARTMENTS)
    admin.seed(company, "CLASS", CLASSES)
    admin.seed(company, "LOCATION", LOCATIONS)
    admin.add_dimension(company, "PRODUCTLINE", "Product line")
    admin.seed(company, "PRODUCTLINE", PRODUCT_LINES)
    clock.offset = -timedelta(days=1)
    admin.seed(company, "VENDOR", [vendor_row(n) for n in range(RECENT_FROM, VENDOR_COUNT + 1)])
    clock.offset = timedelta(0)

    numbers = range(1, VENDOR_COUNT + 1)
    with serve(sandbox) as running:
        yield BigCompany(
            sandbox=sandbox,
            server=running,
            creds=creds,
            vendor_ids={vendor_id(n) for n in numbers},
            active_vendor_ids={vendor_id(n) for n in numbers if n % 10},
            recent_vendor_ids={vendor_id(n) for n in numbers if n >= RECENT_FROM},
            recent_cutoff=(clock() - timedelta(days=3)).strftime("%m/%d/%Y"),
        )
