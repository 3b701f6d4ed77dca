"""Every console route, iterated: strangers are sent to sign in (or refused), a user of
tenant A can neither read nor change tenant B by any URL, state-changing requests need the
CSRF token, and no stored secret appears in any page."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute

from intacct_bridge.auth.apikeys import create_api_key, list_api_keys
from intacct_bridge.auth.model import Scope
from intacct_bridge.config.store import get_config
from intacct_bridge.sync import mappings, state
from intacct_bridge.web.console import (
    apikeys,
    configuration,
    dashboard,
    finance,
    mapping,
    monitor,
    signin,
)
from intacct_bridge.web.console.common import PREFIX
from tests.console.conftest import World
from tests.sync.conftest import item

#: what to put in a route's other path parameters
PARAMS = {"name": "ITEM", "tab": "general", "prefix": "0123456789ab"}
#: a plausible body per POST route, so a refusal is not just a missing field
BODIES: dict[str, dict[str, Any]] = {
    "monitor/sync": {"action": "sync", "record": ["item:W-1"]},
    "mapping/{name}/settings": {"direction": "Not sent"},
    "mapping/{name}/field": {"field": "DESCRIPTION", "property": "(leave out)"},
    "mapping/{name}/remove": {"field": "DESCRIPTION"},
    "mapping/{name}/reset": {},
    "mapping/{name}/inspect": {},
    "config/{tab}": {"endpoint_url": "https://evil.example/ia/xml/xmlgw.phtml"},
    "config/general/test": {},
    "messages/resend": {"code": "reference", "cause": "anything"},
    "mapping/create-all": {},
    "finance/reconcile": {"period": "2025-03"},
    "api-keys": {"name": "wms", "scope": ["state:read", "documents:write"]},
    "api-keys/{prefix}/revoke": {},
}
#: downloads that carry a secret on purpose (the package holds the webhook secret)
SECRET_DOWNLOADS = {"/t/{tenant_id}/config/package/download"}


def console_routes() -> list[tuple[str, str]]:
    """(method, path) of every console route."""
    found = []
    for module in (signin, monitor, mapping, configuration, dashboard, finance, apikeys):
        for route in module.router.routes:
            assert isinstance(route, APIRoute)
            for method in sorted(route.methods or ()):
                found.append((method, route.path))
    return found


TENANT_ROUTES = [(m, p) for m, p in console_routes() if "{tenant_id}" in p]


def _url(path: str, tenant: str) -> str:
    return PREFIX + path.format(tenant_id=tenant, **PARAMS)


def _body(path: str) -> dict[str, Any]:
    tail = path.removeprefix("/t/{tenant_id}/")
    assert tail in BODIES, f"add a body for the new route {path}"
    return dict(BODIES[tail])


def test_every_page_route_is_covered() -> None:
    paths = {p for _, p in TENANT_ROUTES}
    assert "/t/{tenant_id}/monitor" in paths and "/t/{tenant_id}/config/{tab}" in paths
    assert len(TENANT_ROUTES) >= 15


def _snapshot(world: World, tenant: str) -> Any:
    with world.sessions() as session:
        return (
            get_config(session, tenant, world.keyring),
            mappings.list_maps(session, tenant),
            state.list_states(session, tenant),
            list_api_keys(session, tenant),
        )


def _key(world: World, tenant: str) -> str:
    """A live API key of ``tenant`` (its text must never appear in a page)."""
    with world.sessions.begin() as session:
        key, _info = create_api_key(session, tenant, "erp", [Scope.STATE_READ], world.clock())
    return key.text


@pytest.mark.parametrize(("method", "path"), TENANT_ROUTES)
def test_strangers_are_sent_to_sign_in_or_refused(world: World, method: str, path: str) -> None:
    before = _snapshot(world, world.a)
    response = world.client().request(
        method, _url(path, world.a), data=_body(path) if method == "POST" else None
    )
    if method == "GET":
        assert response.status_code == 303
        assert response.headers["location"].startswith(f"{PREFIX}/sign-in?next=")
    else:
        assert response.status_code == 401
    assert _snapshot(world, world.a) == before


def test_a_user_of_tenant_a_cannot_read_or_change_tenant_b(world: World) -> None:
    world.save(world.b, item("W-1"))
    key_b = _key(world, world.b)
    prefix_b = key_b.split("_")[1]
    with world.sessions.begin() as session:
        state.collect_all(session, world.b)
    before = _snapshot(world, world.b)
    browser = world.signed_in(world.admin)
    token = browser.csrf(f"{PREFIX}/t/{world.a}/monitor")
    for method, path in TENANT_ROUTES:
        url = _url(path, world.b).replace(PARAMS["prefix"], prefix_b)
        if method == "GET":
            response = browser.get(url)
        else:
            response = browser.post(url, data={"csrf_token": token, **_body(path)})
        assert response.status_code == 403, (method, path, response.status_code)
        assert world.b not in response.text.replace(f"/t/{world.b}/", "")
        assert "W-1" not in response.text and prefix_b not in response.text
    # tenant A's own URL does not reach B's key either
    url = f"{PREFIX}/t/{world.a}/api-keys/{prefix_b}/revoke"
    refused = browser.post(url, data={"csrf_token": token})
    assert refused.status_code == 303 and "error=No%20such" in refused.headers["location"]
    assert _snapshot(world, world.b) == before


def test_state_changes_without_the_csrf_token_are_refused(world: World) -> None:
    browser = world.signed_in(world.both)
    before = _snapshot(world, world.a)
    posts = [(m, p) for m, p in console_routes() if m == "POST"]
    assert len(posts) >= 10
    for _, path in posts:
        url = _url(path, world.a)
        plain = browser.post(url, data=_body(path) if "{tenant_id}" in path else {})
        forged = browser.post(
            url,
            data={"csrf_token": "forged", **(_body(path) if "{tenant_id}" in path else {})},
        )
        if path == "/sign-in":
            continue  # no session yet: guarded by the same-origin check instead
        assert plain.status_code == forged.status_code == 403, path
    assert _snapshot(world, world.a) == before
    # still signed in: the refusals ended nothing
    assert browser.get(f"{PREFIX}/t/{world.a}/monitor").status_code == 200


def test_no_secret_appears_in_any_page(world: World) -> None:
    world.save(world.a, item("W-1"))
    keys = [_key(world, world.a), _key(world, world.b)]
    world.worker().run_until_idle(world.a)
    browser = world.signed_in(world.both)
    token = browser.csrf(f"{PREFIX}/t/{world.a}/monitor")
    world.seen.clear()
    for tenant in (world.a, world.b):
        for method, path in TENANT_ROUTES:
            if path in SECRET_DOWNLOADS:
                continue
            if method == "GET":
                for tab in ("general", "defaults", "contact", "audit", "package"):
                    browser.get(_url(path, tenant), params={"tab": tab})
            elif path.endswith(("/test", "/inspect", "/reconcile")):
                browser.post(_url(path, tenant), data={"csrf_token": token, **_body(path)})
    assert len(world.seen) > 20
    for text in world.seen:
        for secret in [*world.secrets, *keys, *(key.split("_", 2)[2] for key in keys)]:
            assert secret not in text
