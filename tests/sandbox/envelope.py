"""Test helper: build request envelopes by hand and read responses with lxml.

Deliberately independent of the bridge's own client, so the sandbox is tested
against the wire format itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

import httpx
from lxml import etree

from intacct_bridge.sandbox import QuickstartCredentials

_ids = count(1)


def envelope(
    functions: str,
    *,
    sender_id: str,
    sender_password: str,
    authentication: str,
    uniqueid: bool = False,
    transaction: bool | None = None,
    controlid: str = "ctl-1",
) -> bytes:
    operation = (
        "<operation>"
        if transaction is None
        else (f'<operation transaction="{"true" if transaction else "false"}">')
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<request><control><senderid>{sender_id}</senderid>"
        f"<password>{sender_password}</password><controlid>{controlid}</controlid>"
        f"<uniqueid>{'true' if uniqueid else 'false'}</uniqueid><dtdversion>3.0</dtdversion>"
        "<includewhitespace>false</includewhitespace></control>"
        f"{operation}<authentication>{authentication}</authentication>"
        f"<content>{functions}</content></operation></request>"
    ).encode()


def login(user_id: str, company_id: str, password: str, location_id: str | None = None) -> str:
    location = f"<locationid>{location_id}</locationid>" if location_id is not None else ""
    return (
        f"<login><userid>{user_id}</userid><companyid>{company_id}</companyid>"
        f"<password>{password}</password>{location}</login>"
    )


def fn(body: str, controlid: str | None = None) -> str:
    return f'<function controlid="{controlid or f"f{next(_ids)}"}">{body}</function>'


@dataclass
class Reply:
    status_code: int
    root: etree._Element

    @property
    def control_status(self) -> str:
        return self.root.findtext("control/status") or ""

    @property
    def control_errors(self) -> list[tuple[str, str, str, str]]:
        return _errors(self.root.find("errormessage"))

    @property
    def auth_status(self) -> str:
        return self.root.findtext("operation/authentication/status") or ""

    @property
    def auth_errors(self) -> list[tuple[str, str, str, str]]:
        return _errors(self.root.find("operation/errormessage"))

    @property
    def results(self) -> list[etree._Element]:
        return self.root.findall("operation/result")

    def result(self, index: int = 0) -> etree._Element:
        return self.results[index]

    def data(self, index: int = 0) -> etree._Element:
        data = self.result(index).find("data")
        assert data is not None, etree.tostring(self.result(index)).decode()
        return data

    def errors(self, index: int = 0) -> list[tuple[str, str, str, str]]:
        return _errors(self.result(index).find("errormessage"))


def _errors(block: etree._Element | None) -> list[tuple[str, str, str, str]]:
    if block is None:
        return []
    return [
        (
            e.findtext("errorno") or "",
            e.findtext("description") or "",
            e.findtext("description2") or "",
            e.findtext("correction") or "",
        )
        for e in block.findall("error")
    ]


@dataclass
class Caller:
    """Posts requests for the quickstart company with login authentication."""

    http: httpx.Client
    endpoint: str
    creds: QuickstartCredentials
    location_id: str | None = None
    session_id: str | None = None
    last_body: bytes = field(default=b"", repr=False)

    def auth(self) -> str:
        if self.session_id:
            return f"<sessionid>{self.session_id}</sessionid>"
        c = self.creds
        return login(c.user_id, c.company_id, c.user_password, self.location_id)

    def raw(self, body: bytes, content_type: str = "application/xml") -> Reply:
        self.last_body = body
        response = self.http.post(
            self.endpoint, content=body, headers={"content-type": content_type}
        )
        return Reply(response.status_code, etree.fromstring(response.content))

    def call(
        self,
        *bodies: str,
        uniqueid: bool = False,
        transaction: bool | None = None,
        controlids: list[str] | None = None,
    ) -> Reply:
        functions = "".join(
            fn(body, controlids[i] if controlids else None) for i, body in enumerate(bodies)
        )
        return self.raw(
            envelope(
                functions,
                sender_id=self.creds.sender_id,
                sender_password=self.creds.sender_password,
                authentication=self.auth(),
                uniqueid=uniqueid,
                transaction=transaction,
            )
        )

    def ok(self, *bodies: str, **kw: object) -> Reply:
        reply = self.call(*bodies, **kw)  # type: ignore[arg-type]
        for result in reply.results:
            assert result.findtext("status") == "success", etree.tostring(result).decode()
        return reply
