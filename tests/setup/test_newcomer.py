"""The newcomer's path: the environment (Settings), fixes that are exact commands, the demo
company and its sandbox agreeing, and a package that follows the company's modules."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from intacct_bridge.sandbox import Sandbox
from intacct_bridge.sandbox.persistence import load_state
from tests.servers import free_port, serve_in_thread
from tests.setup.conftest import Cli, text

PORT = "INTACCT_BRIDGE_SANDBOX_PORT"
#: the smallest demo company: its master data, no documents
SMALL_DEMO = ("--items", "12", "--customers", "1", "--suppliers", "1", "--documents", "0")


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        (PORT, "80a", "not a TCP port; use a number from 1 to 65535"),
        (PORT, "70000", "not a TCP port; use a number from 1 to 65535"),
        ("INTACCT_BRIDGE_TENANT", "Not A Tenant", "'Not A Tenant' is not a tenant ID"),
        ("INTACCT_BRIDGE_DB_URL", "not a url", "not a database URL"),
    ],
)
def test_a_bad_environment_value_is_refused_by_name_and_nothing_is_written(
    cli: Cli, variable: str, value: str, said: str
) -> None:
    cli.env[variable] = value
    out = text(cli("setup", "sandbox", code=2))
    assert f"${variable} ({value!r}): {said}" in out
    assert not cli.state.exists()
    assert not cli.key_file.exists()


def test_the_data_directory_holds_the_key_file_and_the_sandbox_record(
    cli: Cli, tmp_path: Path
) -> None:
    home = tmp_path / "bridge-home"
    cli.env["INTACCT_BRIDGE_SECRET_KEY_FILE"] = None
    cli.env["INTACCT_BRIDGE_HOME"] = str(home)
    assert f"created {home / 'secret.key'}" in cli("init").output
    assert stat.S_IMODE((home / "secret.key").stat().st_mode) == 0o600
    cli("setup", "sandbox", "--single-entity")
    assert (home / "sandboxes.json").exists()
    assert not (tmp_path / ".intacct-bridge").exists()


def test_setup_sandbox_follows_the_port_and_every_fix_names_the_serve_command(cli: Cli) -> None:
    port = free_port()  # nothing listens on it
    cli.env[PORT] = str(port)
    cli("init")
    serve = f"intacct-bridge sandbox serve --state sandbox.json --port {port}"
    done = cli("setup", "sandbox").output  # the default state file: ./sandbox.json
    assert f"Serve it: {serve} — check it" in done
    assert f"http://127.0.0.1:{port}/ia/xml/xmlgw.phtml" in cli("config", "show").output
    tested = cli("connection", "test", code=1).output
    assert "Problem (endpoint_unreachable)" in tested
    assert f"in the background): {serve}\n" in tested
    checked = cli("setup", "check", code=1).output
    assert serve in checked
    exported = text(cli("package", "export", code=2))
    assert serve in exported and "--no-projects" in exported


def test_another_sandbox_on_the_port_is_named_then_the_right_one_passes(cli: Cli) -> None:
    live = Sandbox()
    live.quickstart()  # what `make run` serves: the demo sender with another password
    with serve_in_thread(live.asgi_app()) as url:
        port = int(url.rsplit(":", 1)[1])
        cli.env[PORT] = str(port)
        cli("init")
        cli("setup", "sandbox", "--state", "sandbox.json")
        wrong = cli("connection", "test", code=1).output
        assert "Problem (sender_rejected)" in wrong
        assert f"on port {port} is most likely not serving sandbox.json" in wrong
        assert (
            f"Fix: Stop the sandbox listening on port {port} (Ctrl-C in its terminal), then "
            f"run: intacct-bridge sandbox serve --state sandbox.json --port {port}."
        ) in wrong
        load_state(live.backend, cli.state)  # now the port serves sandbox.json
        assert "Connection OK." in cli("connection", "test").output
        assert "Every step of the guide is in place." in cli("setup", "check").output
        exported = cli("package", "export", "--out", "p.xml").output
    installed = cli("setup", "check", "--state", "sandbox.json").output
    assert "(39 Smart Events)" in installed
    assert "39 Smart Events" in exported and "no PROJECT" in exported
    assert b"XTB_PROJECT_ADD" not in Path("p.xml").read_bytes()


def test_the_package_follows_the_projects_module_of_a_sandbox_company(cli: Cli) -> None:
    cli("init")
    made = cli("setup", "sandbox", "--with-projects").output
    assert "42 Smart Events" in made
    exported = cli("package", "export", "--state", "sandbox.json", "--out", "p.xml").output
    assert "42 Smart Events" in exported
    assert b"XTB_PROJECT_ADD" in Path("p.xml").read_bytes()
    forced = cli("package", "export", "--no-projects", "--out", "q.xml").output  # no network
    assert "39 Smart Events" in forced


def test_setup_sandbox_makes_the_demo_company_and_keeps_imported_entities(cli: Cli) -> None:
    cli("init")
    cli("demo-data", *SMALL_DEMO, "--import")
    made = cli("setup", "sandbox").output
    step7 = next(line for line in made.splitlines() if "same Entity ID:" in line)
    assert (
        "Company and financial site with the same Entity ID: US (entity 100), CA (entity 200)"
        in (step7)
    )
    assert "kept the business entities already there" in step7 and "; created" not in step7
    checked = cli("setup", "check", "--state", "sandbox.json").output
    assert "2 companies with a financial site of the same Entity ID." in checked
    assert "Every step of the guide is in place." in checked


def test_demo_data_imported_after_setup_sandbox_still_checks(cli: Cli) -> None:
    cli("init")
    cli("setup", "sandbox")
    cli("demo-data", *SMALL_DEMO, "--import")
    checked = cli("setup", "check", "--state", "sandbox.json").output
    assert "Every step of the guide is in place." in checked


def test_a_single_entity_sandbox_refuses_the_demo_companies_with_the_reason(cli: Cli) -> None:
    cli("init")
    cli("setup", "sandbox", "--single-entity")
    cli("demo-data", *SMALL_DEMO, "--import")
    checked = cli("setup", "check", "--state", "sandbox.json", code=1).output
    assert "company US names entity 100, which the Intacct company does not have" in checked
    assert "give --entity or --single-entity" in text(
        cli("setup", "sandbox", "--single-entity", "-e", "A=B", code=2)
    )


@pytest.mark.parametrize(
    ("endpoint", "state", "port"),
    [
        ("http://127.0.0.1:8123/ia/xml/xmlgw.phtml", "sb.json", 8123),
        ("http://localhost/ia/xml/xmlgw.phtml", "sb.json", 80),
        ("https://127.0.0.1:8123/ia/xml/xmlgw.phtml", "sb.json", None),  # not a sandbox
        ("http://api.example.com:8123/ia/xml/xmlgw.phtml", "sb.json", None),
        ("http://127.0.0.1:8123/ia/xml/xmlgw.phtml", None, None),  # no setup sandbox record
    ],
)
def test_only_a_local_sandbox_that_setup_made_gets_a_serve_command(
    endpoint: str, state: str | None, port: int | None
) -> None:
    from intacct_bridge.config.models import IntegrationConfig
    from intacct_bridge.setup.connection import Diagnosis, local_sandbox_fix

    config = IntegrationConfig(tenant_id="default", endpoint_url=endpoint)
    before = Diagnosis("endpoint_unreachable", "endpoint", "Nothing answers.", "generic fix")
    after = local_sandbox_fix(before, config, state)
    if port is None:
        assert after == before
    else:
        assert after.fix.endswith(f"intacct-bridge sandbox serve --state sb.json --port {port}")
        assert after.code == before.code and after.message == before.message
    other = Diagnosis("user_inactive", "active", "Inactive.", "Status: Active")
    assert local_sandbox_fix(other, config, state) == other  # nothing to do with the server


def test_the_state_file_variable_is_read_by_setup_check(cli: Cli) -> None:
    cli("init")
    cli("setup", "sandbox", "--state", "elsewhere.json")
    cli.env["INTACCT_BRIDGE_SANDBOX_STATE"] = "elsewhere.json"
    checked = cli("setup", "check").output
    assert "against sandbox elsewhere.json" in checked
    assert "Every step of the guide is in place." in checked
