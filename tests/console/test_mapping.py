"""Mapping pages: object list, settings, field grid edits, remove, reset, inspect."""

from __future__ import annotations

from intacct_bridge.sync import mappings
from tests.console.conftest import World


def _url(world: World, tail: str = "") -> str:
    return f"/console/t/{world.a}/mapping{tail}"


def test_the_object_list_links_every_mapped_object(world: World) -> None:
    page = world.signed_in(world.viewer).get(_url(world))
    assert page.status_code == 200
    for name in ("ITEM", "CUSTOMER", "VENDOR", "CONTACT"):
        assert f"{_url(world)}/{name}" in page.text


def test_remove_edit_and_reset_a_mapped_property(world: World) -> None:
    browser = world.signed_in(world.admin)
    grid = browser.get(_url(world, "/CUSTOMER"))
    assert grid.status_code == 200 and 'id="field-grid"' in grid.text
    with world.sessions() as session:
        delivered = mappings.get_map(session, world.a, "CUSTOMER")
    removable = next(
        f for f in delivered.fields if not f.required and f.intacct_field != delivered.key_field
    )
    token = browser.csrf(_url(world, "/CUSTOMER"))
    removed = browser.post(
        _url(world, "/CUSTOMER/remove"),
        data={"csrf_token": token, "field": removable.intacct_field},
    )
    assert removed.status_code == 303 and "notice=" in removed.headers["location"]
    with world.sessions() as session:
        after = mappings.get_map(session, world.a, "CUSTOMER")
    assert removable.intacct_field in after.removed
    assert f'id="field-{removable.intacct_field}"' not in browser.get(_url(world, "/CUSTOMER")).text
    # a required field cannot be removed: the error names it and nothing changes
    key = browser.post(
        _url(world, "/CUSTOMER/remove"), data={"csrf_token": token, "field": delivered.key_field}
    )
    assert "error=" in key.headers["location"]
    # edit an editable row to another allowed property
    editable = next(
        f for f in after.fields if f.editable and not f.required and f.bridge_property is not None
    )
    edited = browser.post(
        _url(world, "/CUSTOMER/field"),
        data={"csrf_token": token, "field": editable.intacct_field, "property": "(leave out)"},
    )
    assert "notice=" in edited.headers["location"]
    with world.sessions() as session:
        row = mappings.get_map(session, world.a, "CUSTOMER").field(editable.intacct_field)
    assert row is not None and row.bridge_property is None
    # reset: the delivered map is back; tenant B's map was never touched
    assert (
        browser.post(_url(world, "/CUSTOMER/reset"), data={"csrf_token": token}).status_code == 303
    )
    with world.sessions() as session:
        assert mappings.get_map(session, world.a, "CUSTOMER") == delivered
        assert not mappings.get_map(session, world.b, "CUSTOMER").customised


def test_settings_are_validated_and_a_viewer_cannot_change_them(world: World) -> None:
    admin = world.signed_in(world.admin)
    token = admin.csrf(_url(world, "/ITEM"))
    bad = admin.post(
        _url(world, "/ITEM/settings"), data={"csrf_token": token, "direction": "Sideways"}
    )
    assert bad.status_code == 303 and "error=" in bad.headers["location"]
    viewer = world.signed_in(world.viewer)
    vtoken = viewer.csrf(_url(world, "/ITEM"))
    refused = viewer.post(
        _url(world, "/ITEM/remove"), data={"csrf_token": vtoken, "field": "DESCRIPTION"}
    )
    assert refused.status_code == 403
    with world.sessions() as session:
        assert not mappings.get_map(session, world.a, "ITEM").customised


def test_unknown_object_is_a_clear_404(world: World) -> None:
    page = world.signed_in(world.admin).get(_url(world, "/NOPE"))
    assert page.status_code == 404 and "not a mapped Intacct object" in page.text


def test_inspect_shows_each_missing_field_with_its_fix(world: World) -> None:
    # the sandbox company has no Projects module: GLACCOUNT.REQUIREPROJECT is missing
    browser = world.signed_in(world.admin)
    token = browser.csrf(_url(world, "/GLACCOUNT"))
    page = browser.post(_url(world, "/GLACCOUNT/inspect"), data={"csrf_token": token})
    assert page.status_code == 200
    findings = page.text.split('id="findings"')[1].split('id="field-grid"')[0]
    assert "REQUIREPROJECT" in findings
    assert "remove-field GLACCOUNT REQUIREPROJECT" in findings
    assert "Remove REQUIREPROJECT now" in findings
    # after the fix, inspect finds nothing more for those fields
    for field in ("REQUIREPROJECT", "REQUIRETASK"):
        browser.post(_url(world, "/GLACCOUNT/remove"), data={"csrf_token": token, "field": field})
    again = browser.post(_url(world, "/GLACCOUNT/inspect"), data={"csrf_token": token})
    assert "REQUIREPROJECT" not in again.text.split('id="findings"')[1].split('id="field-grid"')[0]
