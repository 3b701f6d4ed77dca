"""Run an ASGI app with uvicorn in a background thread on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from starlette.types import ASGIApp


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_in_thread(app: ASGIApp) -> Iterator[str]:
    """Yield ``http://127.0.0.1:PORT`` while ``app`` is served; stop it afterwards."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:  # pragma: no cover
            raise RuntimeError("the sandbox server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def start_sandbox_serve(state: Path | None, port: int, *options: str) -> subprocess.Popen[bytes]:
    """Start ``intacct-bridge sandbox serve`` as a real process on ``port`` and wait until
    it answers ``/healthz``; its stdout and stderr are captured together."""
    script = Path(sys.executable).with_name("intacct-bridge")
    command = (
        [str(script)] if script.exists() else [sys.executable, "-m", "intacct_bridge.cli.main"]
    )
    state_options = ["--state", str(state)] if state is not None else []
    process = subprocess.Popen(
        [*command, "sandbox", "serve", "--port", str(port), *state_options, *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read().decode() if process.stdout else ""
            raise AssertionError(f"serve exited early ({process.returncode}): {out}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    process.wait()
    raise AssertionError("serve did not start")


def stop_sandbox_serve(process: subprocess.Popen[bytes], signum: int) -> str:
    """Send ``signum`` and wait for the process to end; its output. A server that does not
    end within 30 s is killed and the test fails."""
    process.send_signal(signum)
    try:
        out, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:  # pragma: no cover
        process.kill()
        process.communicate()
        raise AssertionError(f"serve did not stop on signal {signum}") from None
    return out.decode() if out else ""
