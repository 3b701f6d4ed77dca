"""Sign-in page, sign-out, redirects for strangers, the tenant switcher."""

from __future__ import annotations

from tests.console.conftest import PASSWORD, World


def test_a_stranger_is_sent_to_sign_in_and_back_to_the_page_asked_for(world: World) -> None:
    browser = world.client()
    asked = f"/console/t/{world.a}/monitor"
    response = browser.get(asked)
    assert response.status_code == 303
    assert response.headers["location"] == f"/console/sign-in?next={asked}"
    form = browser.get(response.headers["location"])
    assert form.status_code == 200 and 'name="password"' in form.text
    signed = browser.post(
        "/console/sign-in", data={"username": world.admin, "password": PASSWORD, "next": asked}
    )
    assert signed.status_code == 303 and signed.headers["location"] == asked
    assert browser.get(asked).status_code == 200


def test_a_failed_sign_in_does_not_say_which_part_was_wrong(world: World) -> None:
    browser = world.client()
    unknown = browser.post("/console/sign-in", data={"username": "nobody", "password": "x" * 12})
    wrong = browser.post(
        "/console/sign-in", data={"username": world.admin, "password": "wrong password!"}
    )
    assert unknown.status_code == wrong.status_code == 401
    assert "Wrong user name or password." in unknown.text
    assert "Wrong user name or password." in wrong.text
    # same page apart from nothing: neither names the user or says which part failed
    assert world.admin not in wrong.text
    assert "ib_session" not in str(wrong.headers.get("set-cookie", ""))


def test_sign_in_is_throttled_after_repeated_failures(world: World) -> None:
    browser = world.client()
    for _ in range(3):
        browser.post("/console/sign-in", data={"username": world.admin, "password": "nope" * 4})
    throttled = browser.post(
        "/console/sign-in", data={"username": world.admin, "password": PASSWORD}
    )
    assert throttled.status_code == 429 and "Retry-After" in throttled.headers


def test_a_cross_site_sign_in_is_refused(world: World) -> None:
    response = world.client().post(
        "/console/sign-in",
        data={"username": world.admin, "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403 and "set-cookie" not in response.headers


def test_next_never_leads_to_another_site(world: World) -> None:
    browser = world.client()
    for target in ("https://evil.example/", "//evil.example/x", "/console/..\\evil"):
        response = browser.post(
            "/console/sign-in",
            data={"username": world.admin, "password": PASSWORD, "next": target},
        )
        assert response.status_code == 303
        assert response.headers["location"].startswith("/console/t/")


def test_sign_out_ends_the_session_and_needs_the_token(world: World) -> None:
    browser = world.signed_in(world.admin)
    monitor = f"/console/t/{world.a}/monitor"
    token = browser.csrf(monitor)
    assert browser.post("/console/sign-out").status_code == 403
    assert browser.get(monitor).status_code == 200
    assert browser.post("/console/sign-out", data={"csrf_token": token}).status_code == 303
    assert browser.get(monitor).status_code == 303


def test_the_tenant_switcher_lists_only_own_tenants_and_switches(world: World) -> None:
    both = world.signed_in(world.both)
    page = both.get(f"/console/t/{world.a}/monitor")
    assert 'id="tenant-switcher"' in page.text and world.b in page.text
    token = both.csrf(f"/console/t/{world.a}/monitor")
    switched = both.post("/console/tenant", data={"csrf_token": token, "tenant_id": world.b})
    assert switched.status_code == 303
    assert switched.headers["location"] == f"/console/t/{world.b}/monitor"
    # the choice is remembered: the console's front door opens tenant B now
    assert both.get("/console/").headers["location"] == f"/console/t/{world.b}/monitor"
    # a user of one tenant sees no switcher and cannot switch to a stranger's tenant
    admin = world.signed_in(world.admin)
    page = admin.get(f"/console/t/{world.a}/monitor")
    assert 'id="tenant-switcher"' not in page.text and world.b not in page.text
    token = admin.csrf(f"/console/t/{world.a}/monitor")
    refused = admin.post("/console/tenant", data={"csrf_token": token, "tenant_id": world.b})
    assert refused.status_code == 403


def test_console_pages_cannot_be_framed_or_cached(world: World) -> None:
    browser = world.signed_in(world.admin)
    for url in ("/console/sign-in", f"/console/t/{world.a}/monitor"):
        response = browser.get(url)
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"
