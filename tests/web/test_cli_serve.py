"""``intacct-bridge serve`` as an operator runs it: a process that answers /health, takes
Smart Event posts, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from intacct_bridge.config.secrets import generate_key
from intacct_bridge.web.smart_events import PATH
from tests.servers import free_port


def _wait_healthy(
    url: str, process: subprocess.Popen[bytes], seconds: float = 30
) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1].decode()[-2000:]
        try:
            return httpx.get(url + "/health", timeout=1)
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"the bridge did not start within {seconds:.0f} s")


def _fast_server(pid: int) -> bool:
    """Whether process ``pid`` serves with uvloop's event loop and httptools' parser (the
    declared dependencies uvicorn picks when they are installed): their libraries are loaded."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return "/uvloop/" in maps and "/httptools/" in maps


def test_serve_runs_health_and_the_receiver_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "INTACCT_BRIDGE_SECRET_KEY": generate_key().decode(),
        "INTACCT_BRIDGE_DB_URL": f"sqlite:///{tmp_path / 'bridge.db'}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "intacct_bridge.cli.main", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        health = _wait_healthy(url, process)
        assert health.status_code == 200
        assert health.json()["status"] == "ok" and health.json()["database"] == "ok"
        assert _fast_server(process.pid)
        refused = httpx.post(url + PATH, data={"tenant": "default", "token": "guess"})
        assert refused.status_code == 401 and refused.json()["error"] == "unauthenticated"
        missing = httpx.get(url + "/nowhere")
        assert missing.status_code == 404 and missing.json()["error"] == "not_found"
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err.decode()[-2000:]
    assert f"listening on http://127.0.0.1:{port}" in out.decode()
    assert "Traceback" not in err.decode()


def test_serve_with_workers_answers_from_several_processes_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    """``--workers 2``: a supervisor and two worker processes on one port, each with its own
    app on the same database and key; SIGTERM stops them all, exit status 0."""
    port = free_port()
    env = {
        **os.environ,
        "INTACCT_BRIDGE_SECRET_KEY": generate_key().decode(),
        "INTACCT_BRIDGE_DB_URL": f"sqlite:///{tmp_path / 'bridge.db'}",
    }
    command = [sys.executable, "-m", "intacct_bridge.cli.main", "serve"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        health = _wait_healthy(url, process, seconds=90)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        workers = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        # the multiprocessing resource tracker is a child too
        assert len(workers) >= 2
        assert sum(_fast_server(int(child)) for child in workers) == 2
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err.decode()[-2000:]
    assert "Traceback" not in err.decode()
    deadline = time.monotonic() + 10  # the resource tracker leaves when its pipe closes
    while any(Path(f"/proc/{child}").exists() for child in workers):
        assert time.monotonic() < deadline, "a worker outlived the server"
        time.sleep(0.1)
