"""Configuration tabs, secrets kept out of pages, connection test, package download."""

from __future__ import annotations

from intacct_bridge.config.store import get_config
from tests.console.conftest import World


def _url(world: World, tail: str = "") -> str:
    return f"/console/t/{world.a}/config{tail}"


def test_every_tab_renders_and_no_secret_is_sent_back(world: World) -> None:
    browser = world.signed_in(world.admin)
    for tab in ("general", "defaults", "contact", "audit", "package"):
        page = browser.get(_url(world), params={"tab": tab})
        assert page.status_code == 200, tab
        for secret in world.secrets:
            assert secret not in page.text
    general = browser.get(_url(world)).text
    assert 'name="sender_password" value=""' in general and "● set" in general
    assert browser.get(_url(world), params={"tab": "nope"}).status_code == 404


def test_saving_a_tab_keeps_stored_secrets_and_other_tabs(world: World) -> None:
    browser = world.signed_in(world.admin)
    token = browser.csrf(_url(world))
    saved = browser.post(
        _url(world, "/general"),
        data={
            "csrf_token": token,
            "option_active": "on",
            "active": "on",
            "id": "MAIN",
            "endpoint_url": world.sandbox.endpoint,
            "sender_id": world.creds.sender_id,
            "company_id": world.creds.company_id,
            "user_id": world.creds.user_id,
            "sender_password": "",
            "user_password": "",
            "async_timeout": "120",
            "entity_id": "",
        },
    )
    assert saved.status_code == 303 and "notice=" in saved.headers["location"]
    with world.sessions() as session:
        config = get_config(session, world.a, world.keyring)
    assert config is not None and config.id == "MAIN" and config.async_timeout == 120
    assert config.user_password is not None
    assert config.user_password.reveal() == world.creds.user_password
    assert config.webhook_url == "https://bridge.example.com/intacct/smart-events"
    # a bad value is refused with the field named, and nothing changes
    bad = browser.post(
        _url(world, "/defaults"),
        data={"csrf_token": token, "legislation": "Narnia", "transaction_level": "bogus"},
    )
    assert "error=" in bad.headers["location"] and "legislation" in bad.headers["location"]
    with world.sessions() as session:
        assert get_config(session, world.a, world.keyring) == config
    # a new secret replaces the stored one
    browser.post(
        _url(world, "/package"),
        data={
            "csrf_token": token,
            "webhook_url": "https://bridge.example.com/hook",
            "webhook_secret": "a-brand-new-webhook-secret-42",
        },
    )
    with world.sessions() as session:
        config = get_config(session, world.a, world.keyring)
    assert config is not None and config.webhook_secret is not None
    assert config.webhook_secret.reveal() == "a-brand-new-webhook-secret-42"
    assert (
        "a-brand-new-webhook-secret-42"
        not in browser.get(_url(world), params={"tab": "package"}).text
    )


def test_connection_test_shows_each_check_and_the_fix(world: World) -> None:
    browser = world.signed_in(world.admin)
    token = browser.csrf(_url(world))
    good = browser.post(_url(world, "/general/test"), data={"csrf_token": token})
    assert good.status_code == 200 and "The connection works." in good.text
    assert good.text.count("state-success") >= 2
    # tenant B's company does not exist in the sandbox: the failure names its fix
    both = world.signed_in(world.both)
    btoken = both.csrf(f"/console/t/{world.b}/config")
    bad = both.post(f"/console/t/{world.b}/config/general/test", data={"csrf_token": btoken})
    assert bad.status_code == 200 and "state-error" in bad.text and "Fix:" in bad.text
    for secret in world.secrets:
        assert secret not in good.text and secret not in bad.text


def test_the_package_downloads_for_an_admin_only(world: World) -> None:
    admin = world.signed_in(world.admin)
    package = admin.get(_url(world, "/package/download"))
    assert package.status_code == 200
    assert package.headers["content-type"].startswith("application/xml")
    assert "attachment" in package.headers["content-disposition"]
    assert b"customErpPackage" in package.content and world.a.encode() in package.content
    viewer = world.signed_in(world.viewer)
    assert viewer.get(_url(world, "/package/download")).status_code == 403
    assert viewer.get(_url(world)).status_code == 403
