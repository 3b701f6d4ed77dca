"""Which gateway endpoint the client may follow after ``getAPISession``.

Intacct answers ``getAPISession`` with the endpoint the session lives on, and the client
sends every later request there. A gateway (or anything between it and the client) could
hand out an endpoint on another host, or plain ``http``, and the client would then send
the session ID — a bearer credential — there. So an offered endpoint is followed only if
it stays where the configured one points:

* **No downgrade.** If the configured endpoint is ``https``, the offered one must be too.
  Only ``http`` and ``https`` are ever followed, and never a URL carrying a user or a
  password.
* **Same registrable domain.** The offered host must be in the configured host's
  registrable domain (its public suffix plus one label, from the Public Suffix List):
  configured ``api.intacct.com`` follows ``api-eu.intacct.com`` but not ``intacct.com.evil.example``
  or ``example.com``.
* **Exact host for local addresses.** An IP address, ``localhost`` or any single-label host
  (a sandbox on your machine) must be offered exactly as configured, port included.

An endpoint that breaks a rule is ignored with a warning, and the client keeps using the
configured endpoint (which the session is valid on, as on Intacct).
"""

from __future__ import annotations

import ipaddress
import logging
from functools import cache
from urllib.parse import SplitResult, urlsplit

from publicsuffixlist import PublicSuffixList

log = logging.getLogger("intacct_bridge.intacct")


@cache
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList()  # the list shipped with the package; no network


def _is_local(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return "." not in host
    return True


def _port(parts: SplitResult) -> int | None:
    try:
        return parts.port or {"https": 443, "http": 80}.get(parts.scheme.lower())
    except ValueError:
        return -1  # not a port: never equal to a real one


def refusal(configured: str, offered: str) -> str:
    """Why ``offered`` must not be followed from ``configured``; ``""`` if it may."""
    base, new = urlsplit(configured), urlsplit(offered)
    scheme = new.scheme.lower()
    if scheme not in ("http", "https") or not new.hostname:
        return "it is not an http(s) URL with a host"
    if new.username is not None or new.password is not None:
        return "it carries a user name or password"
    if base.scheme.lower() == "https" and scheme != "https":
        return "it downgrades from https to http"
    base_host, new_host = (base.hostname or "").lower(), new.hostname.lower()
    if _is_local(base_host):
        if (new_host, _port(new)) != (base_host, _port(base)):
            return f"it is not the configured local host {base.netloc}"
        return ""
    domain = _suffixes().privatesuffix(base_host)
    if _is_local(new_host):
        return f"it is a local address, outside the configured domain {domain or base_host}"
    if domain is None:
        if new_host != base_host:
            return f"it is not the configured host {base_host}"
        return ""
    if _suffixes().privatesuffix(new_host) != domain:
        return f"it leaves the configured domain {domain}"
    return ""


def follow(configured: str, offered: str | None) -> str:
    """The endpoint to use after a session was opened at ``configured``: ``offered`` when
    it passes the rules of this module, else ``configured`` (with a warning)."""
    if not offered or offered == configured:
        return configured
    why = refusal(configured, offered)
    if why:
        log.warning(
            "Ignoring the session endpoint %r that Intacct returned, because %s; "
            "continuing with the configured endpoint %r.",
            offered,
            why,
            configured,
        )
        return configured
    return offered


__all__ = ["follow", "refusal"]
