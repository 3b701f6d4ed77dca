"""A Smart Event on an outbound object (an item changed in Intacct), posted to the bridge's
app with its default wiring, marks the bridge's record ``desynchronized``; Synchronise then
sends the bridge's version again. A record the bridge never sent is left alone."""

from __future__ import annotations

from urllib.parse import urlencode

from intacct_bridge.config.secrets import Secret
from intacct_bridge.config.store import get_config, save_config
from intacct_bridge.sync import state
from intacct_bridge.sync.events import receipts
from intacct_bridge.web.app import WebSettings, create_app
from intacct_bridge.web.smart_events import PATH
from tests.sync.conftest import TENANT, Bridge, item
from tests.sync.world import Http

SECRET = "s3cret-webhook-token-0123456789"


def _post(http: Http, bridge: Bridge, **fields: str) -> int:
    form = {
        "tenant": TENANT,
        "token": SECRET,
        "company": bridge.creds.company_id,
        "object": "ITEM",
        "event": "set",
        "modified": "03/02/2026 09:05:00",
        "format": "1",
        **fields,
    }
    response = http.post(
        PATH,
        content=urlencode(form).encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    return response.status_code


def _state(bridge: Bridge, key: str) -> str:
    with bridge.sessions() as session:
        found = state.get_state(session, TENANT, "item", key)
    assert found is not None
    return found.state.value


def test_an_item_changed_in_intacct_is_marked_desynchronized(bridge: Bridge) -> None:
    bridge.save(item("W-100"), item("W-200"))
    report = bridge.worker().run_until_idle(TENANT)
    assert report.success == 2, report.problems
    with bridge.sessions.begin() as session:
        config = get_config(session, TENANT, bridge.keyring)
        assert config is not None
        changed = config.updated(
            webhook_url="http://127.0.0.1:9/intacct/smart-events", webhook_secret=Secret(SECRET)
        )
        save_config(session, TENANT, changed, bridge.keyring)
    http = Http(
        create_app(WebSettings(resume_pending=False), engine=bridge.engine, keyring=bridge.keyring)
    )
    recordno = str(bridge.intacct("ITEM")["W-100"]["RECORDNO"])

    assert _post(http, bridge, key=recordno, id="W-100") == 202
    assert _state(bridge, "W-100") == "desynchronized"
    assert _state(bridge, "W-200") == "success"  # only the changed record
    with bridge.sessions() as session:
        found = state.get_state(session, TENANT, "item", "W-100")
        assert found is not None and "changed in Intacct" in (found.last_message or "")
        details = [row.detail for row in receipts(session)]
    assert any("now desynchronized" in detail for detail in details)

    # Not synchronised by the bridge: recorded on the receipt, nothing else changes.
    assert _post(http, bridge, key="999999", id="NOT-OURS") == 202
    assert (_state(bridge, "W-100"), _state(bridge, "W-200")) == ("desynchronized", "success")
    with bridge.sessions() as session:
        last = receipts(session)
    assert any("nothing to do" in row.detail for row in last)

    # Synchronise sends the bridge's version again.
    assert bridge.worker().enqueue(TENANT, "item", ["W-100"]) == 1
    assert bridge.worker().run_until_idle(TENANT).success == 1
    assert _state(bridge, "W-100") == "success"
