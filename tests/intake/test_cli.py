"""``intacct-bridge import``, ``db upgrade`` and ``tenant …`` against a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from intacct_bridge.cli.main import app
from intacct_bridge.store import repositories as repo
from intacct_bridge.store.migrate import head_revision
from intacct_bridge.store.session import create_store_engine
from tests.intake.files import DOCUMENTS_CSV, master_jsonl
from tests.store.factories import reference_records

runner = CliRunner()
N = len(reference_records())


def _files(tmp_path: Path) -> tuple[Path, Path]:
    master = tmp_path / "master.jsonl"
    master.write_text(master_jsonl())
    documents = tmp_path / "documents.csv"
    documents.write_text(DOCUMENTS_CSV)
    return master, documents


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_import_reports_bad_rows_and_reimport_is_a_no_op(fresh_url: str, tmp_path: Path) -> None:
    master, documents = _files(tmp_path)
    code, out, _ = _invoke("db", "upgrade", "--db", fresh_url)
    assert code == 0, out
    code, out, err = _invoke("import", str(master), "--db", fresh_url)
    assert code == 0 and f"{N} created" in out, out + err
    code, out, err = _invoke("import", str(documents), "--db", fresh_url)
    assert code == 1
    assert "2 created" in out and "3 rejected" in out
    assert err.splitlines() == [
        f"{documents}:5: [sales_invoice SI-2] line.quantity: 'abc' is not a number; "
        "write it like 12.50",
        f"{documents}:6: [sales_invoice SI-3] customer_id: unknown customer 'C9'; "
        "create it first or fix the ID",
        f"{documents}:8: [sales_shipment SH-2] line.unit_cost: a stock movement needs its "
        "unit cost; give it",
    ]
    code, out, _ = _invoke("import", str(documents), "--db", fresh_url)
    assert "0 created, 0 updated, 0 posted, 2 unchanged" in out
    engine = create_store_engine(fresh_url)
    with Session(engine) as session:
        assert len(repo.list_documents(session, "default")) == 2
    engine.dispose()


def test_tenants_from_the_command_line(fresh_url: str, tmp_path: Path) -> None:
    master, _ = _files(tmp_path)
    assert _invoke("db", "upgrade", "--db", fresh_url)[0] == 0
    code, _, err = _invoke("import", str(master), "--db", fresh_url, "--tenant", "acme")
    assert code == 2 and "unknown tenant 'acme'" in err
    code, out, _ = _invoke(
        "tenant", "add", "acme", "--name", "Acme", "--intacct-company", "ACME-CO", "--db", fresh_url
    )
    assert code == 0 and "tenant acme: created" in out
    code, _, err = _invoke(
        "tenant", "add", "copy", "--name", "Copy", "--intacct-company", "ACME-CO", "--db", fresh_url
    )
    assert code == 2 and "bound to tenant 'acme'" in err
    code, out, _ = _invoke("import", str(master), "--db", fresh_url, "--tenant", "acme")
    assert code == 0 and f"tenant acme: {N} created" in out
    code, out, _ = _invoke("tenant", "list", "--db", fresh_url)
    assert out.splitlines() == [
        "acme\tAcme\tACME-CO",
        "default\tDefault tenant\t(no Intacct company yet)",
    ]


def test_embedded_default_needs_no_options(tmp_path: Path) -> None:
    """In a fresh directory, `intacct-bridge import FILE` creates the SQLite store itself."""
    master, _ = _files(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTACCT_BRIDGE_")}
    command = [sys.executable, "-m", "intacct_bridge.cli.main", "import", master.name]
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert f"tenant default: {N} created" in done.stdout
    assert (tmp_path / "intacct-bridge.db").exists()


def test_schema_must_be_current_except_on_sqlite(
    backend: str, fresh_url: str, tmp_path: Path
) -> None:
    master, _ = _files(tmp_path)
    code, out, err = _invoke("import", str(master), "--db", fresh_url)
    if backend == "sqlite":
        assert code == 0 and f"{N} created" in out
    else:
        assert code == 2
        assert "schema is not up to date; run: intacct-bridge db upgrade" in err


def test_db_upgrade_and_downgrade_say_where_the_database_is(fresh_url: str) -> None:
    def tables() -> set[str]:
        engine = create_store_engine(fresh_url)
        with engine.connect() as connection:
            names = set(inspect(connection).get_table_names())
        engine.dispose()
        return names - {"alembic_version"}

    code, out, _ = _invoke("db", "upgrade", "--db", fresh_url)
    assert code == 0 and out == f"database at {head_revision()} (the newest)\n"
    full = tables()
    code, _, err = _invoke("db", "upgrade", "--db", fresh_url, "--revision", "base")
    assert code == 2
    assert "newer than base; to go back, run: intacct-bridge db downgrade --revision base" in err
    assert tables() == full  # nothing happened
    code, out, _ = _invoke("db", "downgrade", "--db", fresh_url, "--revision", "0001")
    assert code == 0 and out == "database at 0001\n"
    assert "integration_config" not in tables() and "document" in tables()
    code, _, err = _invoke("db", "downgrade", "--db", fresh_url, "--revision", "head")
    assert code == 2 and "older than head; to go forward, run: intacct-bridge db upgrade" in err
    code, out, _ = _invoke("db", "downgrade", "--db", fresh_url, "--revision", "base")
    assert code == 0 and out == "database at base (no tables)\n" and tables() == set()
    code, _, err = _invoke("db", "upgrade", "--db", fresh_url, "--revision", "nope")
    assert code == 2 and "unknown revision 'nope'; the revisions are: base, 0001" in err
    code, out, _ = _invoke("db", "upgrade", "--db", fresh_url)
    assert code == 0 and tables() == full


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "sqlite:////nonexistent-dir-for-test/sub/store.db",
            "error: the directory '/nonexistent-dir-for-test/sub' of the SQLite database does not"
            " exist; create it (mkdir -p /nonexistent-dir-for-test/sub) or give another --db",
        ),
        (
            "postgresql+psycopg://nobody:secret@127.0.0.1:1/store",
            "error: cannot open the database postgresql+psycopg://nobody:***@127.0.0.1:1/store: ",
        ),
        ("not a url", "error: 'not a url' is not a database URL this bridge can use"),
        ("mysql://root@localhost/db", "only SQLite and PostgreSQL are supported"),
    ],
)
@pytest.mark.parametrize("command", ["import", "db upgrade", "db downgrade", "tenant list"])
def test_a_bad_database_url_is_one_clear_line(
    url: str, message: str, command: str, tmp_path: Path
) -> None:
    master, _ = _files(tmp_path)
    args = command.split() + (["--revision", "base"] if command == "db downgrade" else [])
    args += [str(master)] if command == "import" else []
    code, out, err = _invoke(*args, "--db", url)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("error: "), err
    assert message in err
    assert "secret" not in err and "Traceback" not in err


def test_database_and_tenant_come_from_the_environment(
    fresh_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    master, _ = _files(tmp_path)
    monkeypatch.setenv("INTACCT_BRIDGE_DB_URL", fresh_url)
    code, out, err = _invoke("db", "upgrade")
    assert code == 0, out + err
    code, out, err = _invoke("tenant", "add", "acme", "--name", "Acme")
    assert code == 0, out + err
    monkeypatch.setenv("INTACCT_BRIDGE_TENANT", "acme")
    code, out, err = _invoke("import", str(master))
    assert code == 0 and f"tenant acme: {N} created" in out, out + err
    engine = create_store_engine(fresh_url)
    try:
        with Session(engine) as session:
            assert len(repo.list_records(session, "acme", type(reference_records()[0]))) > 0
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("variable", "value", "command"),
    [
        ("INTACCT_BRIDGE_DB_URL", "not a url", "import"),
        ("INTACCT_BRIDGE_DB_URL", "not a url", "tenant list"),
        ("INTACCT_BRIDGE_TENANT", "Bad Tenant!", "import"),
    ],
)
def test_a_bad_environment_variable_is_named_in_one_line(
    variable: str, value: str, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    master, _ = _files(tmp_path)
    monkeypatch.setenv("INTACCT_BRIDGE_DB_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv(variable, value)
    args = command.split() + ([str(master)] if command == "import" else [])
    code, out, err = _invoke(*args)
    assert code == 2 and out == "", out
    assert len(err.splitlines()) == 1 and err.startswith("error: "), err
    assert f"${variable} ({value!r})" in err
    assert "Traceback" not in err
    assert not (tmp_path / "x.db").exists()  # refused before anything was touched
