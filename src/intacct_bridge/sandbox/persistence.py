"""Saving and loading sandbox state (placeholder: implemented in the admin work)."""

from __future__ import annotations

from pathlib import Path

from intacct_bridge.sandbox.backend import SandboxBackend


def save_state(backend: SandboxBackend, path: Path) -> None:
    raise NotImplementedError


def load_state(backend: SandboxBackend, path: Path) -> None:
    raise NotImplementedError
