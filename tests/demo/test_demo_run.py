"""``intacct-bridge demo``: the whole job end to end, in a temporary directory."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from intacct_bridge.cli.main import app
from intacct_bridge.demo import DemoGenerator
from intacct_bridge.demo import run as demo_run
from intacct_bridge.demo.company import provision_company
from intacct_bridge.demo.run import DemoContext, DemoOptions, DemoRun, StepReport
from intacct_bridge.model.analytics import Attribute
from intacct_bridge.model.finance import Account, Journal, TaxDetail
from intacct_bridge.model.sites import Site
from intacct_bridge.posting import post_document
from intacct_bridge.sandbox import Sandbox
from intacct_bridge.sandbox.admin import AdminError

runner = CliRunner()


def _demo(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["demo", *args])
    return result.exit_code, result.stdout


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    code, out = _demo("--documents", "30", "--dir", str(tmp_path))
    assert code == 0, out
    assert "Summary: ok — records " in out
    # the month's 30 and the late supplier bill dated in the period closed in AP
    assert re.search(r"documents 31( \(31 in Intacct\))?, errors 0", out), out
    assert "AP closed through" in out
    for label in (
        "Seed guide setup",
        "Demo company in Intacct",
        "Demo month loaded",
        "Master data out",
        "Financial setup in",
        "Posting check",
    ):
        assert f"✓ {label}" in out, label
    assert "30 documents balanced, 0 with problems" in out
    if demo_run.installed_export() is None:
        assert "Skipped: post, reconcile (transaction export not installed)." in out
    else:  # the month posted and reconciled: every document in Intacct, no difference
        assert "✓ Post the month" in out and "✓ Reconcile" in out
        assert " 0 difference(s)" in out
    # the sandbox company is kept for sandbox serve --state
    assert (tmp_path / "sandbox.json").stat().st_size > 0
    assert (tmp_path / "demo.db").exists()


def test_a_second_run_starts_clean_and_keeps_other_files(tmp_path: Path) -> None:
    mine = tmp_path / "notes.txt"
    mine.write_text("keep me", encoding="utf-8")
    assert _demo("--documents", "5", "--dir", str(tmp_path))[0] == 0
    code, out = _demo("--documents", "5", "--dir", str(tmp_path))
    assert code == 0, out  # a reused store would refuse the seed guide's company again
    assert re.search(r"documents 6( \(\d+ in Intacct\))?, errors 0", out), out
    assert mine.read_text(encoding="utf-8") == "keep me"


class _FailingExport:
    """An export whose post reports an error (the export's contract: errors listed)."""

    def post(self, ctx: DemoContext, progress: demo_run.ProgressFn) -> StepReport:
        progress(0, 1)
        return StepReport("post", documents=0, errors=[f"{ctx.tenant_id}: refused"])

    def reconcile(self, ctx: DemoContext) -> StepReport:  # pragma: no cover - never reached
        raise AssertionError("reconcile must not run after a failed post")


def test_a_failing_step_gives_a_non_zero_exit_and_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_run, "installed_export", lambda: _FailingExport())
    code, out = _demo("--documents", "5", "--dir", str(tmp_path))
    assert code == 1, out
    assert "✗ Post the month" in out
    assert "default: refused" in out
    assert "Summary: failed" in out
    assert "Failed: post" in out


def test_an_unusable_directory_fails_cleanly(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    run = DemoRun(DemoOptions(directory=blocker / "demo", documents=5))
    reports = run.run()
    assert reports[0].status == "failed"
    assert "FileExistsError" in reports[0].errors[0] or "NotADirectory" in reports[0].errors[0]
    assert [r.status for r in reports[1:]] == ["not run"] * (len(reports) - 1)
    assert not run.ok


def test_every_demo_document_posts_against_the_demo_setup() -> None:
    generator = DemoGenerator(7, documents=600)
    setup = demo_run.demo_posting_setup(generator)
    problems = [
        (doc.number, result.problems)
        for doc in generator.documents()
        if not (result := post_document(doc, setup)).ok
    ]
    assert problems == []


def test_the_sandbox_company_is_provisioned_from_the_demo_master_data() -> None:
    generator = DemoGenerator(7, documents=1, items=20, customers=5, suppliers=3)
    master = list(generator.master_data())
    sandbox = Sandbox()
    done = provision_company(sandbox.admin, "DEMO-MFG", master)
    admin = sandbox.admin

    def ids(object_name: str, field: str) -> set[str]:
        return {str(r[field]) for r in admin.records("DEMO-MFG", object_name)}

    assert ids("GLACCOUNT", "ACCOUNTNO") == {r.id for r in master if isinstance(r, Account)}
    assert {"1330", "1500", "2500", "5900"} <= ids("GLACCOUNT", "ACCOUNTNO")
    assert ids("GLJOURNAL", "SYMBOL") == {r.id for r in master if isinstance(r, Journal)}
    assert "Net 30" in ids("ARTERM", "NAME") and "Net 90" in ids("APTERM", "NAME")
    assert ids("TAXDETAIL", "DETAILID") == {r.id for r in master if isinstance(r, TaxDetail)}
    currencies = {
        str(r.values["LOCATIONID"]): r.values.get("CURRENCY") for r in admin.entities("DEMO-MFG")
    }
    assert currencies == {"100": "USD", "200": "CAD"}
    assert ids("LOCATION", "LOCATIONID") >= {r.id for r in master if isinstance(r, Site)}
    assert "US-PLT1" in ids("WAREHOUSE", "WAREHOUSEID")
    employees = {r.id for r in master if isinstance(r, Attribute) and r.type.value == "employee"}
    assert employees and ids("EMPLOYEE", "EMPLOYEEID") == employees
    assert {"CHANNEL", "TERRITORY"} <= set(admin.company("DEMO-MFG").udds)
    assert "OEM" in ids("CHANNEL", "ID")
    assert done["TAXSOLUTION"] == 2
    # the company exists now: a second provisioning is refused, not merged
    with pytest.raises(AdminError):
        provision_company(sandbox.admin, "DEMO-MFG", master)


def test_realistic_turns_the_latency_model_on(tmp_path: Path) -> None:
    run = DemoRun(DemoOptions(directory=tmp_path, documents=1, realistic=True))
    run.STEPS = ("bridge", "company", "setup")  # type: ignore[misc]
    run.run()
    assert run.ok, [(r.name, r.errors) for r in run.reports]
    assert run.ctx is not None
    limits = run.ctx.sandbox.faults.limits_for(demo_run.COMPANY_ID)
    assert (limits.latency_per_request, limits.latency_per_function) == (demo_run.REALISTIC_LATENCY)


def test_sigterm_stops_with_a_partial_summary(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "200"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "intacct_bridge.cli.main",
            "demo",
            "--documents",
            "20000",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    for line in process.stdout:
        if "Demo company in Intacct" in line or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGTERM)
    rest, err = process.communicate(timeout=60)
    assert process.returncode == 130, (rest, err)
    assert "Summary: interrupted" in rest
    assert "Traceback" not in err


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_serve_refuses_a_busy_port_before_running(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(
            app, ["demo", "--serve", "--port", str(port), "--dir", str(tmp_path / "d")]
        )
    assert result.exit_code == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
    assert not (tmp_path / "d").exists()  # nothing ran


def test_serve_keeps_the_bridge_running_with_a_demo_sign_in(tmp_path: Path) -> None:
    import httpx
    from sqlalchemy.orm import Session as OrmSession

    from intacct_bridge.auth.passwords import PasswordHasher
    from intacct_bridge.auth.ratelimit import LoginRateLimiter
    from intacct_bridge.auth.users import authenticate
    from intacct_bridge.store.session import create_store_engine

    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "intacct_bridge.cli.main", "demo", "--documents", "5",
         "--dir", str(tmp_path), "--serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "250"},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        banner = ""
        for line in process.stdout:
            if "serving the demo" in line:
                banner = line
                break
        assert f"http://127.0.0.1:{port}/" in banner
        password = banner.split("with password ", 1)[1].split(" ", 1)[0]
        health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=10)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        engine = create_store_engine(f"sqlite:///{tmp_path / 'demo.db'}")
        try:
            with OrmSession(engine) as session:
                user = authenticate(
                    session,
                    PasswordHasher(),
                    LoginRateLimiter(),
                    "demo",
                    password,
                    None,
                    dt.datetime.now(dt.UTC),
                )
                assert user.name == "demo"
        finally:
            engine.dispose()
        # the console reconciles the demo's month against the demo's sandbox: no difference
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as web:
            signed = web.post(
                "/console/sign-in",
                data={"username": "demo", "password": password},
                follow_redirects=True,
            )
            assert signed.status_code == 200 and "/monitor" in str(signed.url)
            reconcile = str(signed.url).replace("/monitor", "/finance/reconcile")
            form = web.get(reconcile)
            token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
            period = form.text.split('name="period" value="')[1].split('"')[0]
            report = web.post(reconcile, data={"csrf_token": token, "period": period})
            assert report.status_code == 200
            assert "no difference" in report.text, report.text[-3000:]
            ar = web.get(reconcile.replace("/reconcile", "/ar"))
            assert "In Intacct" in ar.text and 'href="https://' in ar.text
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
    assert process.returncode == 0


def test_make_run_runs_the_demo(tmp_path: Path) -> None:
    import shutil

    root = Path(__file__).resolve().parents[2]
    venv = Path(sys.prefix)
    make = shutil.which("make")
    if make is None or not (venv / "bin" / "intacct-bridge").exists():
        pytest.skip("needs make and the project's virtual environment")
    result = subprocess.run(
        [make, "-s", "-C", str(root), "-o", f"{venv}/.installed", "run", f"VENV={venv}",
         f"DEMO=--documents 5 --dir {tmp_path}"],
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, check=False,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Summary: ok" in result.stdout
    assert (tmp_path / "sandbox.json").exists()


def test_a_second_demo_in_the_same_directory_is_refused(tmp_path: Path) -> None:
    from intacct_bridge.files import exclusive_lock

    (tmp_path / "demo.db").write_text("the running demo's store", encoding="utf-8")
    with exclusive_lock(tmp_path / "demo", "intacct-bridge demo (pid 4242)"):
        result = runner.invoke(app, ["demo", "--documents", "5", "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "is in use by intacct-bridge demo (pid 4242)" in result.stderr
    # nothing of the running demo was removed
    assert (tmp_path / "demo.db").read_text(encoding="utf-8") == "the running demo's store"


def test_a_directory_that_cannot_be_made_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["demo", "--documents", "5", "--dir", str(blocker / "demo")])
    assert result.exit_code == 2
    assert "cannot use" in result.stderr and "--dir DIR" in result.stderr


@pytest.mark.parametrize(("lines", "low", "high"), [(5, 4.6, 5.4), (3, 2.7, 3.3)])
def test_lines_sets_the_average_lines_per_document_and_every_document_still_posts(
    lines: int, low: float, high: float
) -> None:
    default = DemoGenerator(7, documents=2_000)
    generator = DemoGenerator(7, documents=2_000, lines=lines)
    setup = demo_run.demo_posting_setup(generator)
    documents = list(generator.documents())
    assert len(documents) == 2_000
    assert generator.document_counts() == default.document_counts()
    average = sum(len(doc.lines) for doc in documents) / len(documents)
    assert low <= average <= high
    problems = []
    for doc in documents:
        # line numbers stay 1..n and no item repeats within a document
        assert [line.line_number for line in doc.lines] == list(range(1, len(doc.lines) + 1))
        items = [line.item_id for line in doc.lines]
        assert len(items) == len(set(items)), doc.number
        result = post_document(doc, setup)
        if not result.ok:
            problems.append((doc.number, result.problems))
        for entry in result.entries:
            entry.check_balanced()
    assert problems == []


def test_lines_is_deterministic_and_leaves_the_default_month_alone() -> None:
    def numbers(generator: DemoGenerator) -> list[tuple[str, int]]:
        return [(doc.number, len(doc.lines)) for doc in generator.documents()]

    assert numbers(DemoGenerator(7, documents=300, lines=5)) == numbers(
        DemoGenerator(7, documents=300, lines=5)
    )
    assert numbers(DemoGenerator(7, documents=300, lines=None)) == numbers(
        DemoGenerator(7, documents=300)
    )


@pytest.mark.parametrize("lines", [0, 0.5, 21, True, "5"])
def test_a_bad_lines_value_is_refused_with_the_range(lines: object) -> None:
    with pytest.raises(ValueError, match="lines must be a number from 1 to 20"):
        DemoGenerator(7, documents=10, lines=lines)  # type: ignore[arg-type]
