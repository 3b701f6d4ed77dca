"""The FastAPI dependencies and /auth routes, in a tiny app, over TestClient.

Sign-in, cookies, tenant isolation, CSRF, sign-out, throttling and API keys, on SQLite and
PostgreSQL (each module run works in its own migrated database, with real commits).
The client is httpx over ASGI (Starlette's TestClient warns about httpx in this version).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI, Request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from intacct_bridge.auth.apikeys import create_api_key, revoke_api_key
from intacct_bridge.auth.model import ApiPrincipal, Role, Scope
from intacct_bridge.auth.passwords import PasswordHasher
from intacct_bridge.auth.ratelimit import LoginRateLimiter
from intacct_bridge.auth.sessions import SessionPolicy, SignedIn, count_sessions
from intacct_bridge.auth.users import create_user, get_user, remove_user
from intacct_bridge.auth.web import (
    AuthServices,
    csrf_token,
    install_auth,
    require_api_key,
    require_csrf,
    require_tenant,
)
from intacct_bridge.store.migrate import upgrade
from intacct_bridge.store.session import create_store_engine, session_factory
from tests.auth.conftest import PASSWORD, FakeClock, add_tenants
from tests.store.fixtures import scratch_url


@pytest.fixture(scope="module")
def factory(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sessionmaker[Session]]:
    with scratch_url(backend, tmp_path_factory.mktemp("web")) as url:
        upgrade(url)
        engine = create_store_engine(url)
        yield session_factory(engine)
        engine.dispose()


class World:
    """One test's tenants, users and app (names are unique per test: the database is shared)."""

    def __init__(self, factory: sessionmaker[Session], *, secure: bool | None = None) -> None:
        tag = uuid.uuid4().hex[:8]
        self.a, self.b = f"a-{tag}", f"b-{tag}"
        self.admin, self.viewer = f"admin-{tag}", f"viewer-{tag}"
        self.clock = FakeClock()
        self.services = AuthServices(
            factory,
            hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
            limiter=LoginRateLimiter(max_failures=3, clock=self.clock),
            policy=SessionPolicy(secure_cookies=secure),
            clock=self.clock,
        )
        with self.services.transaction() as db:
            add_tenants(db, self.a, self.b)
            hasher = self.services.hasher
            create_user(db, hasher, self.admin, PASSWORD, [self.a], Role.ADMIN, self.clock())
            create_user(db, hasher, self.viewer, PASSWORD, [self.a], Role.VIEWER, self.clock())
        self.app = make_app(self.services)
        #: every response body and header seen, for the secret scan
        self.seen: list[str] = []

    def client(self, base_url: str = "http://testserver") -> TestClient:
        return TestClient(self, base_url)

    def record(self, response: httpx.Response) -> None:
        self.seen.append(response.text)
        self.seen.extend(f"{k}: {v}" for k, v in response.headers.items() if k != "set-cookie")

    def sign_in(self, client: TestClient, name: str, password: str = PASSWORD) -> httpx.Response:
        return client.post("/auth/login", data={"username": name, "password": password})

    def csrf(self, client: TestClient) -> str:
        token = client.get("/auth/me").json()["csrf_token"]
        assert isinstance(token, str)
        return token

    def api_key(self, tenant: str, *scopes: Scope) -> tuple[str, str]:
        with self.services.transaction() as db:
            key, info = create_api_key(db, tenant, "client", scopes, self.clock())
        return key.text, info.prefix


class TestClient:
    """A synchronous browser: httpx over ASGI, keeping its cookies, never following redirects."""

    __test__ = False

    def __init__(self, world: World, base_url: str) -> None:
        self.world = world
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=world.app), base_url=base_url
        )
        self.cookies = self.http.cookies

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        response = asyncio.run(self.http.request(method, url, **options))
        self.world.record(response)
        return response

    def get(self, url: str, **options: Any) -> httpx.Response:
        return self.request("GET", url, **options)

    def post(self, url: str, **options: Any) -> httpx.Response:
        return self.request("POST", url, **options)


def make_app(services: AuthServices) -> FastAPI:
    app = FastAPI()
    install_auth(app, services)

    @app.get("/t/{tenant_id}/page")
    def page(signed_in: Annotated[SignedIn, Depends(require_tenant(Role.VIEWER))]) -> Any:
        return {"tenant": signed_in.tenant_id, "user": signed_in.user.name}

    @app.post("/t/{tenant_id}/settings", dependencies=[Depends(require_csrf)])
    async def settings(
        request: Request, signed_in: Annotated[SignedIn, Depends(require_tenant(Role.ADMIN))]
    ) -> Any:
        return {"saved": (await request.body()).decode(), "by": signed_in.user.name}

    @app.get("/form")
    def form(signed_in: Annotated[SignedIn, Depends(require_tenant())]) -> Any:
        return {"csrf": csrf_token(signed_in)}

    @app.get("/api/v1/tenants/{tenant_id}/state")
    def state(client: Annotated[ApiPrincipal, Depends(require_api_key(Scope.STATE_READ))]) -> Any:
        return {"tenant": client.tenant_id, "client": client.name}

    @app.post("/api/v1/documents")
    def documents(
        client: Annotated[ApiPrincipal, Depends(require_api_key(Scope.DOCUMENTS_WRITE))],
    ) -> Any:
        return {"tenant": client.tenant_id}

    return app


@pytest.fixture
def world(factory: sessionmaker[Session]) -> World:
    return World(factory)


# --- sign-in and cookies -------------------------------------------------------------------


def test_unauthenticated_requests_are_refused(world: World) -> None:
    client = world.client()
    for method, url in [
        ("GET", f"/t/{world.a}/page"),
        ("POST", f"/t/{world.a}/settings"),
        ("GET", "/auth/me"),
        ("POST", "/auth/logout"),
    ]:
        response = client.request(method, url)
        assert response.status_code == 401, url
        assert response.json()["detail"]["code"] == "not_signed_in"
    client.cookies.set("ib_session", "forged-token-value")
    assert client.get(f"/t/{world.a}/page").status_code == 401


def test_sign_in_sets_a_hardened_cookie(world: World) -> None:
    client = world.client()
    response = world.sign_in(client, world.admin.upper())
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "ib_session=" in cookie and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie and "Path=/" in cookie and "Max-Age=43200" in cookie
    assert "Secure" not in cookie  # plain http (a developer's machine)
    assert client.get(f"/t/{world.a}/page").json() == {"tenant": world.a, "user": world.admin}


def test_the_cookie_is_secure_over_https_or_by_setting(factory: sessionmaker[Session]) -> None:
    world = World(factory)
    response = world.sign_in(world.client("https://testserver"), world.admin)
    assert "Secure" in response.headers["set-cookie"]
    forced = World(factory, secure=True)
    response = forced.sign_in(forced.client(), forced.admin)
    assert "Secure" in response.headers["set-cookie"]


def test_wrong_password_and_unknown_user_get_the_same_answer(world: World) -> None:
    client = world.client()
    wrong = world.sign_in(client, world.admin, "not the password")
    unknown = world.sign_in(client, "nobody-at-all", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert "set-cookie" not in wrong.headers and "set-cookie" not in unknown.headers


def test_sign_in_is_throttled_over_http(world: World) -> None:
    client = world.client()
    for _ in range(3):
        assert world.sign_in(client, world.admin, "not the password").status_code == 401
    response = world.sign_in(client, world.admin)  # right password, too late
    assert response.status_code == 429 and int(response.headers["retry-after"]) > 0
    assert "set-cookie" not in response.headers
    world.clock.advance(minutes=16)
    assert world.sign_in(client, world.admin).status_code == 303


def test_next_never_leaves_the_site(world: World) -> None:
    client = world.client()
    for target, expected in [
        ("/t/x/page?y=1", "/t/x/page?y=1"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ]:
        response = client.post(
            "/auth/login",
            data={"username": world.admin, "password": PASSWORD, "next": target},
        )
        assert response.headers["location"] == expected


def test_login_from_another_site_is_refused(world: World) -> None:
    client = world.client()
    form = {"username": world.admin, "password": PASSWORD}
    for headers in [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
    ]:
        response = client.post("/auth/login", data=form, headers=headers)
        assert response.status_code == 403 and "set-cookie" not in response.headers
    same = client.post("/auth/login", data=form, headers={"Origin": "http://testserver"})
    assert same.status_code == 303


def test_an_expired_session_row_is_deleted(world: World) -> None:
    client = world.client()
    world.sign_in(client, world.admin)
    with world.services.transaction() as db:
        user_id = get_user(db, world.admin).id
        assert count_sessions(db, user_id) == 1
    world.clock.advance(hours=13)
    assert client.get(f"/t/{world.a}/page").status_code == 401
    with world.services.transaction() as db:
        assert count_sessions(db, user_id) == 0


def test_login_refuses_other_bodies(world: World) -> None:
    client = world.client()
    response = client.post("/auth/login", json={"username": world.admin, "password": PASSWORD})
    assert response.status_code == 415
    huge = client.post(
        "/auth/login",
        content=b"username=x&password=" + b"a" * 70_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert huge.status_code == 413


def test_a_new_sign_in_replaces_the_old_session(world: World) -> None:
    client = world.client()
    world.sign_in(client, world.admin)
    old = client.cookies["ib_session"]
    world.sign_in(client, world.admin)
    assert client.cookies["ib_session"] != old
    replay = world.client()
    replay.cookies.set("ib_session", old)
    assert replay.get(f"/t/{world.a}/page").status_code == 401


# --- tenants and roles ---------------------------------------------------------------------


def test_a_user_of_tenant_a_cannot_reach_tenant_b(world: World) -> None:
    client = world.client()
    world.sign_in(client, world.admin)
    for url in [f"/t/{world.b}/page", "/t/no-such-tenant/page"]:
        response = client.get(url)
        assert response.status_code == 403 and response.json()["detail"]["code"] == "forbidden"
    token = world.csrf(client)
    response = client.post(f"/t/{world.b}/settings", data={"csrf_token": token, "x": "1"})
    assert response.status_code == 403
    assert (
        client.post(f"/auth/tenant/{world.b}", headers={"X-CSRF-Token": token}).status_code == 403
    )


def test_a_viewer_cannot_change_settings(world: World) -> None:
    client = world.client()
    world.sign_in(client, world.viewer)
    assert client.get(f"/t/{world.a}/page").status_code == 200
    response = client.post(f"/t/{world.a}/settings", data={"csrf_token": world.csrf(client)})
    assert response.status_code == 403


def test_the_tenant_switcher(world: World) -> None:
    with world.services.transaction() as db:
        from intacct_bridge.auth.users import grant

        grant(db, world.viewer, [world.b], Role.VIEWER)
    client = world.client()
    world.sign_in(client, world.viewer)
    assert client.get("/auth/me").json()["tenant"] is None  # two tenants: choose
    assert client.get("/form").status_code == 403
    token = world.csrf(client)
    assert client.post(f"/auth/tenant/{world.b}").status_code == 403  # CSRF needed
    assert client.post(f"/auth/tenant/{world.b}", headers={"X-CSRF-Token": token}).json() == {
        "tenant": world.b
    }
    assert client.get("/auth/me").json()["tenant"] == world.b
    assert client.get("/form").status_code == 200


# --- CSRF ----------------------------------------------------------------------------------


def test_csrf_is_required_on_state_changing_requests(world: World) -> None:
    client = world.client()
    world.sign_in(client, world.admin)
    url = f"/t/{world.a}/settings"
    token = world.csrf(client)
    other = world.client()
    world.sign_in(other, world.admin)
    someone_elses = world.csrf(other)
    assert someone_elses != token
    for data, headers in [
        ({"x": "1"}, {}),
        ({"csrf_token": "", "x": "1"}, {}),
        ({"csrf_token": "forged", "x": "1"}, {}),
        ({"csrf_token": someone_elses, "x": "1"}, {}),
        ({"x": "1"}, {"X-CSRF-Token": someone_elses}),
    ]:
        response = client.post(url, data=data, headers=headers)
        assert response.status_code == 403, data
        assert response.json()["detail"]["code"] == "csrf"
    # a JSON or multipart body carries no form token: the header is needed
    assert client.post(url, json={"csrf_token": token}).status_code == 403
    ok = client.post(url, data={"csrf_token": token, "x": "1"})
    assert ok.status_code == 200 and "x=1" in ok.json()["saved"]  # the route still reads its body
    assert client.post(url, json={"x": 1}, headers={"X-CSRF-Token": token}).status_code == 200


def test_the_csrf_token_dies_with_the_session(world: World) -> None:
    client = world.client()
    world.sign_in(client, world.admin)
    token = world.csrf(client)
    world.sign_in(client, world.admin)  # a new session
    response = client.post(f"/t/{world.a}/settings", data={"csrf_token": token})
    assert response.status_code == 403


# --- sign-out and ending sessions ----------------------------------------------------------


def test_sign_out_needs_csrf_and_kills_the_session(world: World) -> None:
    client = world.client()
    world.sign_in(client, world.admin)
    cookie = client.cookies["ib_session"]
    assert client.post("/auth/logout").status_code == 403
    response = client.post("/auth/logout", data={"csrf_token": world.csrf(client)})
    assert response.status_code == 303
    assert 'ib_session=""' in response.headers["set-cookie"]
    replay = world.client()
    replay.cookies.set("ib_session", cookie)  # a copy of the cookie is worthless now
    assert replay.get(f"/t/{world.a}/page").status_code == 401


def test_a_removed_user_is_signed_out_at_once(world: World) -> None:
    client = world.client()
    world.sign_in(client, world.admin)
    assert client.get(f"/t/{world.a}/page").status_code == 200
    with world.services.transaction() as db:
        remove_user(db, world.admin)
    assert client.get(f"/t/{world.a}/page").status_code == 401


def test_sessions_expire_when_idle(world: World) -> None:
    client = world.client()
    world.sign_in(client, world.admin)
    world.clock.advance(hours=1, minutes=59)
    assert client.get(f"/t/{world.a}/page").status_code == 200
    world.clock.advance(hours=2, seconds=1)
    assert client.get(f"/t/{world.a}/page").status_code == 401


# --- API keys ------------------------------------------------------------------------------


def test_api_key_scope_and_tenant(world: World) -> None:
    key, _ = world.api_key(world.a, Scope.STATE_READ)
    client = world.client()
    bearer = {"Authorization": f"Bearer {key}"}
    response = client.get(f"/api/v1/tenants/{world.a}/state", headers=bearer)
    assert response.status_code == 200 and response.json()["tenant"] == world.a
    other_tenant = client.get(f"/api/v1/tenants/{world.b}/state", headers=bearer)
    assert other_tenant.status_code == 403
    no_scope = client.post("/api/v1/documents", headers=bearer)
    assert no_scope.status_code == 403 and "documents:write" in no_scope.json()["detail"]["message"]
    writer, _ = world.api_key(world.b, Scope.DOCUMENTS_WRITE)
    response = client.post("/api/v1/documents", headers={"Authorization": f"bearer {writer}"})
    assert response.json() == {"tenant": world.b}


def test_api_keys_refused_with_401_json(world: World) -> None:
    key, prefix = world.api_key(world.a, Scope.STATE_READ)
    client = world.client()
    url = f"/api/v1/tenants/{world.a}/state"
    for headers in [
        {},
        {"Authorization": key},
        {"Authorization": f"Basic {key}"},
        {"Authorization": "Bearer "},
        {"Authorization": f"Bearer {key[:-2]}xx"},
        {"Authorization": "Bearer ibk_nonsense"},
    ]:
        response = client.get(url, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["detail"]["code"] == "unauthorized"
    with world.services.transaction() as db:
        revoke_api_key(db, world.a, prefix, world.clock())
    revoked = client.get(url, headers={"Authorization": f"Bearer {key}"})
    assert revoked.status_code == 401


def test_a_session_cookie_is_no_api_key_and_vice_versa(world: World) -> None:
    client = world.client()
    world.sign_in(client, world.admin)
    assert client.get(f"/api/v1/tenants/{world.a}/state").status_code == 401
    key, _ = world.api_key(world.a, Scope.STATE_READ)
    api = world.client()
    assert (
        api.get(f"/t/{world.a}/page", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    )


# --- no secret in any response or log ------------------------------------------------------


def test_no_secret_appears_in_responses_or_logs(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = world.client()
    world.sign_in(client, world.admin, "a wrong password here")
    world.sign_in(client, world.admin)
    session_token = client.cookies["ib_session"]
    token = world.csrf(client)
    client.post(f"/t/{world.a}/settings", data={"csrf_token": token})
    key, prefix = world.api_key(world.a, Scope.STATE_READ)
    secret = key.split("_", 2)[2]
    client.get(f"/api/v1/tenants/{world.a}/state", headers={"Authorization": f"Bearer {key}"})
    client.get(f"/api/v1/tenants/{world.b}/state", headers={"Authorization": f"Bearer {key}"})
    client.get(f"/api/v1/tenants/{world.a}/state", headers={"Authorization": f"Bearer {key}x"})
    client.post("/auth/logout", data={"csrf_token": token})
    seen = "\n".join(world.seen) + "\n" + caplog.text
    assert world.seen and prefix  # the scan had something to look at
    for value in [PASSWORD, "a wrong password here", session_token, secret]:
        assert value not in seen


# --- hostile input -------------------------------------------------------------------------

PRINTABLE = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=300)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(authorization=PRINTABLE, cookie=PRINTABLE, token=PRINTABLE)
def test_hostile_credentials_are_refused_never_a_500(
    world: World, authorization: str, cookie: str, token: str
) -> None:
    client = world.client()
    api = client.get(f"/api/v1/tenants/{world.a}/state", headers={"Authorization": authorization})
    assert api.status_code == 401
    page = client.get(f"/t/{world.a}/page", headers={"Cookie": f"ib_session={cookie}"})
    assert page.status_code == 401
    post = client.post(
        f"/t/{world.a}/settings",
        headers={"Cookie": f"ib_session={cookie}", "X-CSRF-Token": token},
    )
    assert post.status_code == 401
