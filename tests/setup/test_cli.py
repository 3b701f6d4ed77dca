"""The commands: ``init``, ``config set/show/rotate-key``, ``connection test``,
``package export``, ``setup sandbox`` and ``setup check`` — through Typer's CliRunner."""

from __future__ import annotations

import re
import stat
from collections.abc import Callable

from intacct_bridge.config.secrets import load_keyring
from intacct_bridge.sandbox import Sandbox
from tests.setup.conftest import SECRET_VALUES, Cli, text


def test_init_creates_a_private_key_file_and_the_database(cli: Cli) -> None:
    first = cli("init")
    assert "created" in first.output
    assert stat.S_IMODE(cli.key_file.stat().st_mode) == 0o600
    keys = load_keyring(cli.key_file, env={}).keys
    again = cli("init")
    assert "exists; kept" in again.output
    assert load_keyring(cli.key_file, env={}).keys == keys


def test_commands_needing_a_key_say_to_run_init(cli: Cli) -> None:
    result = cli("config", "set", "--user-password", "x", code=2)
    assert "intacct-bridge init" in text(result)


def test_config_set_and_show_never_print_a_secret(cli: Cli) -> None:
    cli("init")
    sender, user, hook = SECRET_VALUES
    cli(
        "config", "set", "--company-id", "ACME", "--user-id", "xt_api",
        "--sender-password", sender, "--user-password", "-", "--webhook-secret", hook,
        "--legislation", "gb", "--tax-default", "GB:UK VAT:category=STD",
        "--tax-default", "US:US Sales Tax:level=entity_level", "--transaction-level",
        "entity_level", "--exclude-display-contact", "--option-active",
        input=user + "\n",
    )  # fmt: skip
    shown = cli("config", "show")
    as_json = cli("config", "show", "--json")
    for output in (text(shown), text(as_json)):
        for value in SECRET_VALUES:
            assert value not in output
    out = shown.output
    assert "Sender password: •••• (set)" in out
    assert "Password: •••• (set)" in out
    assert "Webhook secret: •••• (set)" in out
    assert "Company ID: ACME" in out
    assert "Info: tenant default ↔ Intacct company ACME" in out
    assert "Transaction integration level: Entity level" in out
    assert re.search(r"GB: Intacct tax solution UK VAT; .*tax category STD", out)
    assert "Exclude display contact from the contact list: on" in out
    assert '"user_password": "••••"' in as_json.output
    # not set yet: said so
    cli("config", "set", "--tenant", "default", "--webhook-url", "https://b.example.com/h")
    cli("tenant", "add", "other", "--name", "Other Co")
    cli("config", "set", "--tenant", "other", "--company-id", "OTHER")
    assert "Password: (not set)" in cli("config", "show", "--tenant", "other").output


def test_config_refuses_bad_values_and_a_company_of_another_tenant(cli: Cli) -> None:
    cli("init")
    assert "Endpoint URL" in text(cli("config", "set", "--endpoint-url", "nope", code=2))
    assert "Policy ID" in text(cli("config", "set", "--asynchronous", code=2))
    cli("config", "set", "--company-id", "ACME")
    cli("tenant", "add", "other", "--name", "Other Co")
    refused = cli("config", "set", "--tenant", "other", "--company-id", "ACME", code=2)
    assert "bound to tenant 'default'" in text(refused)


def test_config_show_without_a_configuration(cli: Cli) -> None:
    cli("init")
    assert "no Intacct configuration" in text(cli("config", "show", code=1))


def test_rotate_key_re_encrypts_and_drops_the_old_key(cli: Cli) -> None:
    cli("init")
    cli("config", "set", "--company-id", "ACME", "--user-id", "u", "--user-password", "pw-1")
    old = load_keyring(cli.key_file, env={}).keys
    result = cli("config", "rotate-key")
    assert "Re-encrypted 1 secret(s)" in result.output
    new = load_keyring(cli.key_file, env={}).keys
    assert len(new) == 1 and new[0] not in old
    assert stat.S_IMODE(cli.key_file.stat().st_mode) == 0o600
    assert "Password: •••• (set)" in cli("config", "show").output
    assert "cannot be read" not in cli("config", "show").output


def test_setup_sandbox_then_check_all_green_then_a_missing_authorization(cli: Cli) -> None:
    cli("init")
    done = cli("setup", "sandbox", "--state", str(cli.state), "-e", "E1=East")
    assert "Done." in done.output
    checked = cli("setup", "check", "--state", str(cli.state))
    assert checked.output.count("✓") == 7
    assert "Every step of the guide is in place." in checked.output
    assert "✓" in cli("connection", "test", "--state", str(cli.state)).output
    sandbox = cli.sandbox()
    sandbox.admin.revoke_sender("DEMO-MFG", "XT_mfg")
    cli.save(sandbox)
    failed = cli("setup", "check", "--state", str(cli.state), code=1)
    out = failed.output
    assert "✗ 2. Authorize intacct-bridge (sender ID XT_mfg) (missing)" in out
    assert (
        "Fix: In Sage Intacct, open Company > Admin > Setup > Security: click Edit, scroll down "
        "to the Web Services authorization section, enter the Sender ID: XT_mfg, and select Save."
    ) in out
    test = cli("connection", "test", "--state", str(cli.state), code=1)
    assert "Problem (sender_not_authorized)" in test.output


def test_connection_test_reports_an_inactive_user_with_the_fix(cli: Cli) -> None:
    cli("init")
    cli("setup", "sandbox", "--state", str(cli.state))
    sandbox = cli.sandbox()
    sandbox.admin.update_user("DEMO-MFG", "xt_api", status="inactive")
    cli.save(sandbox)
    out = cli("connection", "test", "--state", str(cli.state), code=1).output
    assert "✗ Web services user active" in out
    assert "Problem (user_inactive)" in out
    assert (
        "Web Services users, edit user xt_api; on the User information tab: Status: select Active"
        in out
    )


def test_connection_test_over_the_network_when_nothing_listens(cli: Cli) -> None:
    cli("init")
    cli(
        "config", "set", "--company-id", "ACME", "--user-id", "u", "--user-password", "p",
        "--sender-password", "s", "--endpoint-url", "http://127.0.0.1:9/ia/xml/xmlgw.phtml",
    )  # fmt: skip
    out = cli("connection", "test", code=1).output
    assert "Problem (endpoint_unreachable)" in out
    assert "connection refused" in out


def test_setup_sandbox_failing_saves_nothing(cli: Cli) -> None:
    cli("init")
    sandbox = Sandbox()
    sandbox.admin.create_sender("XT_mfg", "only-sage-knows")
    cli.save(sandbox)
    before = cli.state.read_bytes()
    out = cli("setup", "sandbox", "--state", str(cli.state), code=1).output
    assert "--sender-password" in out and "nothing was saved" in out
    assert cli.state.read_bytes() == before
    assert "no Intacct configuration" in text(cli("config", "show", code=1))


def test_package_export_writes_a_private_valid_file_and_prints_no_secret(
    cli: Cli, validate_package: Callable[[bytes], None]
) -> None:
    cli("init")
    cli("config", "set", "--company-id", "ACME", "--webhook-secret", SECRET_VALUES[2])
    assert "no webhook URL" in text(cli("package", "export", code=2))
    target = cli.state.parent / "out" / "package.xml"
    result = cli(
        "package", "export", "--out", str(target), "--webhook-url", "https://b.example.com/hook",
        "--dimension", "PRODUCTLINE", "--no-projects",
    )  # fmt: skip
    assert SECRET_VALUES[2] not in text(result)
    assert "Platform services > Custom packages > Import Customization Package" in result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    data = target.read_bytes()
    validate_package(data)
    assert SECRET_VALUES[2].encode() in data  # the token the Smart Events carry
    assert b"XTB_PRODUCTLINE_ADD" in data and b"XTB_PROJECT_ADD" not in data
    assert "Webhook URL: https://b.example.com/hook" in cli("config", "show").output


def test_package_export_without_a_company(cli: Cli) -> None:
    cli("init")
    assert "--company-id" in text(cli("package", "export", code=2))


def test_a_changed_key_is_reported_not_crashed_on(cli: Cli) -> None:
    from cryptography.fernet import Fernet

    cli("init")
    cli("setup", "sandbox", "--state", str(cli.state))
    cli.env["INTACCT_BRIDGE_SECRET_KEY"] = Fernet.generate_key().decode()
    shown = cli("config", "show").output
    assert "Password: •••• (set; cannot be read" in shown
    out = cli("connection", "test", "--state", str(cli.state), code=1).output
    assert "Problem (secret_unreadable)" in out
    assert "rotate-key" in out
    refused = cli("config", "rotate-key", code=1)
    assert "nothing was rotated" in text(refused)


def _terms(cli: Cli) -> set[str]:
    return {str(r.get("NAME")) for r in cli.sandbox().admin.records("DEMO-MFG", "ARTERM")}


def test_setup_sandbox_seeds_a_new_company_with_the_stores_financial_setup(cli: Cli) -> None:
    cli("init")
    cli(
        "demo-data",
        "--seed",
        "3",
        "--items",
        "12",
        "--customers",
        "3",
        "--suppliers",
        "2",
        "--documents",
        "5",
        "--import",
    )
    done = cli("setup", "sandbox", "--state", str(cli.state))
    assert "Financial setup seeded from the store:" in done.output
    assert re.search(r"\b\d+ ARTERM\b", done.output)
    assert _terms(cli), "the demo's AR terms are in the sandbox company"
    checked = cli("setup", "check", "--state", str(cli.state))  # package covers the new UDDs
    assert "Every step of the guide is in place." in checked.output
    again = cli("setup", "sandbox", "--state", str(cli.state))  # the company exists: no reseed
    assert "Financial setup seeded" not in again.output


def test_setup_sandbox_without_the_financial_setup(cli: Cli) -> None:
    cli("init")
    cli(
        "demo-data",
        "--seed",
        "3",
        "--items",
        "12",
        "--customers",
        "3",
        "--suppliers",
        "2",
        "--documents",
        "5",
        "--import",
    )
    done = cli("setup", "sandbox", "--state", str(cli.state), "--no-financial-setup")
    assert "Financial setup seeded" not in done.output
    assert _terms(cli) == set()
