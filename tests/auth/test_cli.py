"""``intacct-bridge user …`` and ``intacct-bridge apikey …`` through Typer's CliRunner."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from intacct_bridge.auth.apikeys import verify_api_key
from intacct_bridge.auth.errors import ApiKeyInvalidError, InvalidCredentialsError
from intacct_bridge.auth.model import Role, Scope
from intacct_bridge.auth.passwords import PasswordHasher
from intacct_bridge.auth.ratelimit import LoginRateLimiter
from intacct_bridge.auth.sessions import SessionPolicy, resume_session, start_session
from intacct_bridge.auth.users import authenticate
from intacct_bridge.cli.main import app
from intacct_bridge.store.session import create_store_engine, session_factory
from tests.auth.conftest import PASSWORD

NEW_PASSWORD = "an entirely new passphrase"
KEY = re.compile(r"ibk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


class Cli:
    """Runs ``intacct-bridge`` with a private database and key file; keeps every output."""

    def __init__(self, tmp_path: Path) -> None:
        self.runner = CliRunner()
        self.db = f"sqlite:///{tmp_path / 'bridge.db'}"
        self.key_file = tmp_path / "keys" / "secret.key"
        self.env = {
            "INTACCT_BRIDGE_DB_URL": self.db,
            "INTACCT_BRIDGE_SECRET_KEY_FILE": str(self.key_file),
            "INTACCT_BRIDGE_SECRET_KEY": None,
            "INTACCT_BRIDGE_TENANT": None,
        }
        self.outputs: list[str] = []

    def __call__(self, *args: str, code: int = 0, input: str | None = None) -> str:
        result: Result = self.runner.invoke(app, list(args), env=self.env, input=input)
        output = result.output + (result.stderr if result.stderr_bytes is not None else "")
        self.outputs.append(output)
        assert "Traceback" not in output, output
        assert result.exit_code == code, f"exit {result.exit_code}: {output}"
        return output

    def sign_in(self, name: str, password: str) -> None:
        engine = create_store_engine(self.db)
        try:
            with session_factory(engine)() as db:
                authenticate(db, PasswordHasher(), LoginRateLimiter(), name, password, None, _now())
        finally:
            engine.dispose()

    def verify(self, key: str) -> str:
        engine = create_store_engine(self.db)
        try:
            with session_factory(engine)() as db, db.begin():
                return verify_api_key(db, key, _now()).tenant_id
        finally:
            engine.dispose()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.chdir(tmp_path)
    runner = Cli(tmp_path)
    runner("init")
    runner("tenant", "add", "acme-a", "--name", "Acme A")
    runner("tenant", "add", "acme-b", "--name", "Acme B")
    return runner


def test_user_add_asks_twice_hidden(cli: Cli) -> None:
    out = cli(
        "user", "add", "Alice", "--tenant", "acme-a", "--role", "admin",
        input=f"{PASSWORD}\nnot the same one!\n{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert "do not match" in out
    assert "user alice: added; acme-a (admin)" in out
    cli.sign_in("alice", PASSWORD)


def test_user_add_from_stdin_and_list(cli: Cli) -> None:
    cli(
        "user", "add", "bob", "--tenant", "acme-a", "--tenant", "acme-b", "--password-stdin",
        input=PASSWORD + "\n",
    )  # fmt: skip
    out = cli("user", "list")
    assert "bob" in out and "acme-a (viewer), acme-b (viewer)" in out
    cli.sign_in("bob", PASSWORD)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--tenant", "acme-a"], "short\n", "at least 12 characters"),
        (["--tenant", "acme-zz"], PASSWORD + "\n", "unknown tenant 'acme-zz'"),
        (["--tenant", "acme-a", "--role", "owner"], PASSWORD + "\n", "owner"),
        ([], PASSWORD + "\n", "--tenant"),
        (["--tenant", "acme-a"], "", "nothing on stdin"),
    ],
)
def test_user_add_refusals(cli: Cli, args: list[str], stdin: str, message: str) -> None:
    out = cli("user", "add", "carol", *args, "--password-stdin", input=stdin, code=2)
    assert message in out
    assert "carol" not in cli("user", "list")


def test_user_add_twice_is_refused(cli: Cli) -> None:
    cli("user", "add", "dave", "--tenant", "acme-a", "--password-stdin", input=PASSWORD + "\n")
    out = cli(
        "user", "add", "DAVE", "--tenant", "acme-b", "--password-stdin",
        input=PASSWORD + "\n", code=2,
    )  # fmt: skip
    assert "exists" in out


def test_grant_revoke_passwd_remove(cli: Cli) -> None:
    cli("user", "add", "erin", "--tenant", "acme-a", "--password-stdin", input=PASSWORD + "\n")
    out = cli("user", "grant", "erin", "--tenant", "acme-b", "--role", "admin")
    assert "acme-a (viewer), acme-b (admin)" in out
    assert "acme-b (admin)" in cli("user", "revoke", "erin", "--tenant", "acme-a")
    # a live session ends with the password change
    engine = create_store_engine(cli.db)
    factory = session_factory(engine)
    with factory() as db, db.begin():
        from intacct_bridge.auth.users import get_user

        token = start_session(db, get_user(db, "erin"), _now(), SessionPolicy()).token
    cli("user", "passwd", "erin", input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    from intacct_bridge.auth.errors import SessionInvalidError

    with factory() as db, pytest.raises(SessionInvalidError):
        resume_session(db, token, _now(), SessionPolicy())
    engine.dispose()
    with pytest.raises(InvalidCredentialsError):
        cli.sign_in("erin", PASSWORD)
    cli.sign_in("erin", NEW_PASSWORD)
    assert "removed" in cli("user", "remove", "erin")
    assert "no user 'erin'" in cli("user", "remove", "erin", code=2)
    assert "no user 'nobody'" in cli("user", "passwd", "nobody", "--password-stdin", code=2)
    with pytest.raises(InvalidCredentialsError):
        cli.sign_in("erin", NEW_PASSWORD)


def test_apikey_create_list_revoke(cli: Cli) -> None:
    out = cli(
        "apikey", "create", "--tenant", "acme-a", "--name", "wms",
        "--scope", "documents:write", "--scope", "state:read",
    )  # fmt: skip
    [key] = KEY.findall(out)
    assert "shown only this once" in out
    assert cli.verify(key) == "acme-a"
    prefix = key.split("_")[1]
    listed = cli("apikey", "list", "--tenant", "acme-a")
    assert prefix in listed and "wms" in listed and "documents:write state:read" in listed
    assert "no API keys in tenant acme-b" in cli("apikey", "list", "--tenant", "acme-b")
    assert "no API key" in cli("apikey", "revoke", prefix, "--tenant", "acme-b", code=2)
    assert "revoked" in cli("apikey", "revoke", prefix, "--tenant", "acme-a")
    with pytest.raises(ApiKeyInvalidError):
        cli.verify(key)
    [header, row] = cli("apikey", "list", "--tenant", "acme-a").splitlines()
    assert header.split("\t")[-1] == "revoked"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", row.split("\t")[-1])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scope", "everything"], "unknown scope 'everything'"),
        ([], "--scope"),
    ],
)
def test_apikey_create_refusals(cli: Cli, args: list[str], message: str) -> None:
    out = cli("apikey", "create", "--tenant", "acme-a", "--name", "wms", *args, code=2)
    assert message in out and not KEY.search(out)


def test_no_secret_is_ever_echoed(cli: Cli, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    cli("user", "add", "frank", "--tenant", "acme-a", input=f"{PASSWORD}\n{PASSWORD}\n")
    cli("user", "passwd", "frank", input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    cli("user", "add", "gina", "--tenant", "acme-a", "--password-stdin", input="tiny\n", code=2)
    created = cli("apikey", "create", "--tenant", "acme-a", "--name", "erp", "--scope", "sync:run")
    [key] = KEY.findall(created)
    cli("apikey", "list", "--tenant", "acme-a")
    cli("user", "list")
    cli("apikey", "revoke", key.split("_")[1], "--tenant", "acme-a")
    others = [out for out in cli.outputs if out != created]
    scanned = "\n".join(others) + caplog.text
    assert len(others) > 5
    for secret in [PASSWORD, NEW_PASSWORD, "tiny", key, key.split("_", 2)[2]]:
        assert secret not in scanned
    assert created.count(key) == 1


def test_roles_on_the_command_line_are_the_model_roles() -> None:
    out = CliRunner().invoke(app, ["user", "add", "--help"]).output
    for role in Role:
        assert role.value in out
    for scope in Scope:
        assert scope.value in CliRunner().invoke(app, ["apikey", "create", "--help"]).output
