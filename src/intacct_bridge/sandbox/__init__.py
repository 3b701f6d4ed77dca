"""The sandbox: a faithful local emulator of the Sage Intacct XML gateway.

Typical use in a test::

    sandbox = Sandbox(seed=1)
    sandbox.quickstart()                      # sender, company, user, authorisation
    client = httpx.Client(transport=sandbox.transport())
    client.post(sandbox.endpoint, content=request_xml)

or as a server: ``intacct-bridge sandbox serve --port 8080``.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.applications import Starlette

from intacct_bridge.sandbox.admin import Admin, AdminError
from intacct_bridge.sandbox.backend import SandboxBackend, SandboxSettings
from intacct_bridge.sandbox.faults import FaultPlan, FrontDoor, Limits
from intacct_bridge.sandbox.gateway import Gateway, GatewayReply
from intacct_bridge.sandbox.transport import GATEWAY_PATH, SandboxTransport

__all__ = [
    "GATEWAY_PATH",
    "Admin",
    "AdminError",
    "FaultPlan",
    "Gateway",
    "GatewayReply",
    "Limits",
    "QuickstartCredentials",
    "Sandbox",
    "SandboxBackend",
    "SandboxSettings",
]

#: The URL in-process clients use; any host works with :meth:`Sandbox.transport`.
INPROCESS_ENDPOINT = f"https://sandbox.intacct.invalid{GATEWAY_PATH}"


@dataclass(frozen=True)
class QuickstartCredentials:
    """The credentials :meth:`Sandbox.quickstart` sets up (sandbox-only, not secrets)."""

    sender_id: str = "XT_mfg"
    sender_password: str = "sandbox-sender-password"
    company_id: str = "DEMO-MFG"
    user_id: str = "xt_api"
    user_password: str = "sandbox-user-password"


class Sandbox:
    """One sandbox instance: backend state, gateway, admin API and adapters."""

    def __init__(
        self,
        backend: SandboxBackend | None = None,
        *,
        seed: int | None = None,
        settings: SandboxSettings | None = None,
        faults: FaultPlan | None = None,
    ) -> None:
        self.backend = backend or SandboxBackend(settings=settings or SandboxSettings(), seed=seed)
        self.gateway = Gateway(self.backend)
        rules = self.backend.settings.callbacks
        if rules is not None:
            from intacct_bridge.sandbox.callbacks import GuardedTransport

            guard = GuardedTransport(rules)
            self.backend.async_transport = self.backend.smart_event_transport = guard
        #: Limits and faults (concurrency slots, latency, failures); see ``faults.py``.
        self.faults = faults or FaultPlan(seed=seed)
        self.front = FrontDoor(self.gateway, self.faults)
        self.admin = Admin(self.backend)
        self.endpoint = INPROCESS_ENDPOINT

    def transport(self) -> SandboxTransport:
        """An httpx transport (sync and async) that serves requests in-process."""
        return SandboxTransport(self.front)

    def asgi_app(self, *, admin: bool = True, public_url: str | None = None) -> Starlette:
        """The ASGI application (gateway + admin API) for server mode; ``admin=False``
        serves the gateway alone; ``public_url`` is the base URL returned as the session
        endpoint (default: the address each client connected to)."""
        from intacct_bridge.sandbox.asgi import create_app

        return create_app(self.front, admin=admin, public_url=public_url)

    def quickstart(
        self,
        credentials: QuickstartCredentials | None = None,
        *,
        mega: bool = False,
        modules: set[str] | None = None,
    ) -> QuickstartCredentials:
        """Set up the seed guide's minimum: sender, company, admin web services user,
        Web Services authorization. Returns the credentials."""
        creds = credentials or QuickstartCredentials()
        self.admin.create_sender(creds.sender_id, creds.sender_password)
        self.admin.create_company(creds.company_id, mega=mega, modules=modules)
        self.admin.add_user(creds.company_id, creds.user_id, creds.user_password)
        self.admin.authorize_sender(creds.company_id, creds.sender_id)
        return creds
