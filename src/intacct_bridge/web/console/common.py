"""What every console page shares: the signed-in page context, templates, forms, errors.

Every page goes through :func:`page` (a FastAPI dependency): no session → the browser is
sent to the sign-in page (``303``; ``401`` for HTMX and non-GET requests); a user without
the needed role in the path's ``{tenant_id}`` → ``403``. The check is the identity layer's
one :func:`~intacct_bridge.auth.model.authorize`; no page reads a tenant it was not given.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from intacct_bridge.auth.errors import AccessDeniedError
from intacct_bridge.auth.model import Role, authorize
from intacct_bridge.auth.sessions import SignedIn
from intacct_bridge.auth.web import csrf_token, optional_session
from intacct_bridge.web.app import BridgeState, bridge

#: where the console lives
PREFIX = "/console"
#: largest form body a console page reads
MAX_FORM_BYTES = 256 * 1024
#: most fields a console form may have
MAX_FORM_FIELDS = 5000

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent.parent / "templates"))


class SignInRequired(Exception):
    """No live session: the handler sends browsers to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__("sign in first")
        self.next_path = next_path


class ConsoleRefusal(Exception):
    """A page refusal shown as HTML (403 no access, 404 unknown object, 400 bad input)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Page:
    """One request's signed-in context: who, which tenant (authorized), the CSRF token."""

    request: Request
    signed_in: SignedIn
    tenant_id: str
    role: Role
    csrf: str
    state: BridgeState

    @property
    def admin(self) -> bool:
        return self.role.includes(Role.ADMIN)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.state.sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self.state.sessions.begin() as session:
            yield session

    def url(self, section: str = "", **query: str) -> str:
        base = f"{PREFIX}/t/{quote(self.tenant_id, safe='')}/{section}".rstrip("/")
        pairs = [(k, v) for k, v in query.items() if v]
        if pairs:
            base += "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in pairs)
        return base

    def flash(self) -> tuple[str, str]:
        """The notice and error :func:`back` sent with this URL (nothing if not ours)."""
        params = self.request.query_params
        notice, error = params.get("notice", ""), params.get("error", "")
        if not (notice or error):
            return "", ""
        expected = _flash_mac(self.csrf, notice, error)
        if not hmac.compare_digest(expected, params.get("sig", "")):
            return "", ""
        return notice, error

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        context = {"page": self, "user": self.signed_in.user, **values}
        return TEMPLATES.TemplateResponse(self.request, template, context, status_code=status)


def page(need: Role = Role.VIEWER) -> Callable[..., Page]:
    """A dependency: the page context, after authorizing ``need`` in the path's tenant."""

    def dependency(
        request: Request,
        signed_in: Annotated[SignedIn | None, Depends(optional_session)],
        state: Annotated[BridgeState, Depends(bridge)],
    ) -> Page:
        if signed_in is None:
            raise SignInRequired(request.url.path)
        tenant_id = str(request.path_params.get("tenant_id") or "")
        try:
            authorize(signed_in.user, tenant_id, need)
        except AccessDeniedError:
            raise ConsoleRefusal(
                403,
                "You have no access to this page of that tenant. Choose one of your tenants "
                "in the switcher, or ask an administrator for the role.",
            ) from None
        role = signed_in.user.roles[tenant_id]
        return Page(request, signed_in, tenant_id, role, csrf_token(signed_in), state)

    return dependency


Viewer = Annotated[Page, Depends(page(Role.VIEWER))]
Admin = Annotated[Page, Depends(page(Role.ADMIN))]


async def read_form(request: Request) -> dict[str, list[str]]:
    """An url-encoded body (at most :data:`MAX_FORM_BYTES`), every value of each field."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_FORM_BYTES):
        raise ConsoleRefusal(413, f"The form is larger than {MAX_FORM_BYTES} bytes.")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise ConsoleRefusal(413, f"The form is larger than {MAX_FORM_BYTES} bytes.")
    try:
        return parse_qs(body.decode("utf-8", "replace"), max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        raise ConsoleRefusal(413, f"The form has more than {MAX_FORM_FIELDS} fields.") from None


def first(form: dict[str, list[str]], name: str, default: str = "") -> str:
    values = form.get(name)
    return values[0] if values else default


def _flash_mac(key: str, notice: str, error: str) -> str:
    digest = hmac.new(key.encode(), f"flash\0{notice}\0{error}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def back(page: Page, url: str, notice: str = "", error: str = "") -> Response:
    """303 to ``url`` with a one-line notice or error for the next page to show.

    The message travels in the URL with a MAC bound to the session, so a link crafted
    elsewhere cannot make a console page say something the console did not say.
    """
    from fastapi.responses import RedirectResponse

    notice, error = notice[:500], error[:1000]
    if notice or error:
        parts = [f"notice={quote(notice, safe='')}"] if notice else []
        if error:
            parts.append(f"error={quote(error, safe='')}")
        parts.append(f"sig={_flash_mac(page.csrf, notice, error)}")
        url += ("&" if "?" in url else "?") + "&".join(parts)
    return RedirectResponse(url, status_code=303)


def when(value: dt.datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M")


TEMPLATES.env.filters["when"] = when
