"""The README's tour, run as a newcomer runs it: every command as written, in order.

The commands are the ``bash`` blocks of the README's "A short tour" section, and its
``python`` block saved as ``client.py`` and run with ``python client.py`` (what the README
says to do). They run in one bash process in a fresh temporary directory holding only a
``.venv`` link to the project's virtual environment, so ``source .venv/bin/activate`` works
as written. The one substitution is the port: the README documents
``INTACCT_BRIDGE_SANDBOX_PORT`` and sets it to 8080; the test sets it to a free port.

Each command must exit 0 and print what the README promises (:data:`PROMISES`); a command
without a promise fails the test, so the README and this file change together.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PORT_LINE = "export INTACCT_BRIDGE_SANDBOX_PORT=8080"
PYTHON_STEP = "Save this as `client.py` and run `python client.py`"
CLIENT_COMMAND = "python client.py"

#: What each tour command must print (substrings of its output), by the command's text
#: without its trailing comment. Background commands (``&``) promise nothing here.
PROMISES: dict[str, tuple[str, ...]] = {
    "source .venv/bin/activate": (),
    "export INTACCT_BRIDGE_SANDBOX_PORT=8080": (),
    "intacct-bridge sandbox serve &": (),
    "curl -s --retry 10 --retry-connrefused": (
        "<status>success</status>",
        "<sessionid>",
        "<companyid>DEMO-MFG</companyid>",
    ),
    "kill $!": (),
    CLIENT_COMMAND: ("created CLASS C1: True record",),
    "intacct-bridge init": ("Secret key: created", "is up to date"),
    "intacct-bridge demo-data --seed 7": ("records (", "to demo.jsonl"),
    "intacct-bridge import demo.jsonl": ("demo.jsonl → tenant default", " 0 rejected"),
    "intacct-bridge setup sandbox --state sandbox.json": (
        "✓ 7. Business entities",
        "US (entity 100), CA (entity 200)",
        "Done.",
    ),
    "intacct-bridge setup check --state sandbox.json": ("Every step of the guide is in place.",),
    "intacct-bridge sandbox serve --state sandbox.json &": (),
    "curl -so /dev/null --retry 10 --retry-connrefused": (),
    "intacct-bridge connection test": (
        "Connection OK.",
        "entities: 100 (Demo Manufacturing US), 200 (Demo Manufacturing Canada)",
    ),
    "intacct-bridge setup check": ("Every step of the guide is in place.",),
    "intacct-bridge package export --out bridge-package.xml": (
        "Wrote bridge-package.xml",
        "no PROJECT: the company has no Projects module",
    ),
    "intacct-bridge sync": ("Sent 61 record(s)", "0 to retry, 0 in error"),
    "intacct-bridge status": ("customer", "supplier"),
    "intacct-bridge pull --full": ("GLACCOUNT", "APTERM", "record(s) changed"),
    "intacct-bridge config posting set --rate EUR/USD=1.087@2025-03-01 --leave-off project "
    "--leave-off task": ("Stored the posting configuration of tenant default",),
    "intacct-bridge post": (
        "Posting configuration: stored for this tenant",
        "100 documents: 100 posted",
        "0 in error, 0 pending",
    ),
    "intacct-bridge reconcile --period 2025-03": (
        " 0 differences; 100 documents posted, 0 not posted, 0 with problems.",
    ),
}


@dataclass(frozen=True)
class Step:
    command: str  # exactly as in the README (a python block: the command that runs it)
    key: str  # the PROMISES entry it answers to
    script: str  # what the test runs


def tour_section(text: str) -> str:
    start = text.index("## A short tour")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def _complete(command: str) -> bool:
    """Whether ``command`` is a whole shell command (bash parses it without asking for more)."""
    if command.rstrip().endswith("\\"):
        return False
    checked = subprocess.run(["bash", "-n", "-c", command], capture_output=True, check=False)
    return checked.returncode == 0


def _key(command: str) -> str:
    first = command.splitlines()[0]
    text = re.sub(r"\s+#.*$", "", first).rstrip(" \\")
    for key in sorted(PROMISES, key=len, reverse=True):
        if text == key or (
            text.startswith(key) and key.startswith(("curl", "intacct-bridge demo"))
        ):
            return key
    raise AssertionError(
        f"README tour command {first!r} has no promise in tests/test_readme_tour.py PROMISES: "
        "add what it must print"
    )


def tour_steps(text: str) -> list[Step]:
    """The tour's commands, in order."""
    section = tour_section(text)
    assert PORT_LINE in section, f"the tour must set the port with {PORT_LINE!r}"
    prose = " ".join(section.split())
    steps: list[Step] = []
    for match in re.finditer(r"```(bash|python)\n(.*?)```", section, re.DOTALL):
        language, body = match.groups()
        if language == "python":
            assert PYTHON_STEP in prose, f"the tour must say: {PYTHON_STEP}"
            script = f"cat > client.py <<'README_PYTHON'\n{body}README_PYTHON\n{CLIENT_COMMAND}"
            steps.append(Step(CLIENT_COMMAND, CLIENT_COMMAND, script))
            continue
        pending: list[str] = []
        for line in body.splitlines():
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            pending.append(line)
            command = "\n".join(pending)
            if _complete(command):
                steps.append(Step(command, _key(command), command))
                pending = []
        assert not pending, f"unfinished command in the README tour: {pending}"
    return steps


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _script(steps: list[Step], port: int) -> str:
    lines = [
        "exec 2>&1",
        # the tour's background servers go when the tour ends, whatever happens
        "trap 'kill $(jobs -p) 2>/dev/null; wait' EXIT",
    ]
    for number, step in enumerate(steps):
        script = step.script.replace(PORT_LINE, f"export INTACCT_BRIDGE_SANDBOX_PORT={port}")
        lines += [
            f'echo "::step {number} $(date +%s.%N)"',
            script,
            "rc=$?",
            f'echo "::rc {number} $rc"',
        ]
        lines.append('[ "$rc" -eq 0 ] || exit "$rc"')
    return "\n".join(lines) + "\n"


def _outputs(transcript: str) -> dict[int, tuple[str, int]]:
    found: dict[int, tuple[str, int]] = {}
    for match in re.finditer(r"::step (\d+) \S+\n(.*?)::rc \1 (\d+)\n", transcript, re.DOTALL):
        found[int(match.group(1))] = (match.group(2), int(match.group(3)))
    return found


def test_the_tour_is_found_in_the_readme() -> None:
    steps = tour_steps(README.read_text(encoding="utf-8"))
    keys = [s.key for s in steps]
    assert keys[:2] == ["source .venv/bin/activate", PORT_LINE]
    assert set(keys) == set(PROMISES), set(PROMISES) ^ set(keys)
    assert keys.index("intacct-bridge sandbox serve --state sandbox.json &") < keys.index(
        "intacct-bridge connection test"
    )


def test_a_broken_command_is_caught(tmp_path: Path) -> None:
    """The splitter keeps multi-line commands whole and refuses an unpromised command."""
    text = (
        "## A short tour\n```bash\nsource .venv/bin/activate\n" + PORT_LINE + "\n"
        "curl -s --retry 10 --retry-connrefused http://x \\\n  --data '\n<a/>\n'\n"
        "intacct-bridge frobnicate   # new\n```\n## Next\n"
    )
    with pytest.raises(AssertionError, match="frobnicate"):
        tour_steps(text)


@pytest.mark.server
@pytest.mark.timeout(120)
def test_the_readme_tour_runs_as_written(tmp_path: Path) -> None:
    venv = Path(sys.prefix)
    if not (venv / "bin" / "activate").exists():
        pytest.skip("the tests do not run in a virtual environment (make test makes one)")
    steps = tour_steps(README.read_text(encoding="utf-8"))
    (tmp_path / ".venv").symlink_to(venv, target_is_directory=True)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTACCT_BRIDGE_", "VIRTUAL"))}
    bin_dir = str(venv / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != bin_dir)
    process = subprocess.Popen(
        ["bash", "-c", _script(steps, port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        text=True,
    )
    try:
        transcript, _ = process.communicate(timeout=110)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    outputs = _outputs(transcript)
    for number, step in enumerate(steps):
        assert number in outputs, f"the tour stopped before {step.command!r}:\n{transcript}"
        output, code = outputs[number]
        assert code == 0, f"{step.command!r} exited {code}:\n{output}"
        for promise in PROMISES[step.key]:
            assert promise in output, f"{step.command!r} did not print {promise!r}:\n{output}"
        assert "Traceback" not in output, output
    # what setup sandbox installs, setup check finds and package export writes: one package
    counts = {
        step.key: re.findall(r"(\d+) Smart Events", outputs[number][0])
        for number, step in enumerate(steps)
        if "setup sandbox" in step.key
        or step.key.startswith("intacct-bridge package export")
        or step.key.endswith("check --state sandbox.json")
    }
    assert len(counts) == 3 and len({n for found in counts.values() for n in found}) == 1, counts
    assert (tmp_path / "bridge-package.xml").stat().st_mode & 0o077 == 0
