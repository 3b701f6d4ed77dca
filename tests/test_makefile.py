"""``make run``: the port is chosen from make, and a busy or invalid one is refused with one
clear line before the server prints anything (credentials included)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.prefix)


def _make_run(port: str) -> subprocess.CompletedProcess[str]:
    make = shutil.which("make")
    if make is None or not (VENV / "bin" / "intacct-bridge").exists():
        pytest.skip("needs make and the project's virtual environment")
    # -o: take the installation as done (the test must not reinstall the package)
    return subprocess.run(
        [make, "-s", "-C", str(ROOT), "-o", f"{VENV}/.installed", "run", f"PORT={port}",
         f"VENV={VENV}"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )  # fmt: skip


def test_a_busy_port_is_refused_before_anything_is_printed() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _make_run(str(port))
    assert result.returncode != 0
    assert f"make run: port {port} is in use" in result.stderr
    assert f"choose another: make run PORT={port + 1}" in result.stderr
    assert result.stdout == ""  # no credentials, no server banner
    assert "sandbox-sender-password" not in result.stderr


@pytest.mark.parametrize("port", ["http", "0", "65536"])
def test_a_port_that_is_not_a_port_is_refused(port: str) -> None:
    result = _make_run(port)
    assert result.returncode != 0
    assert f"make run: PORT={port!r} is not a TCP port (1-65535)" in result.stderr
    assert result.stdout == ""
