"""Which URLs the sandbox itself may call: Smart Event deliveries and asynchronous responses.

The sandbox makes outbound HTTP requests in exactly two cases:

* a Smart Event (installed by a customization package) fires and its ``http`` action
  posts (or gets) the link's target URL;
* an asynchronous request (a ``<policyid>`` in the control block) has run, and its
  ``<response>`` — session IDs included — is POSTed to the transport policy's
  ``response_url``.

A server reachable from the network must not let whoever can write a policy or import a
package make it call any internal URL, so :class:`CallbackRules` restricts those URLs. A
rule is one of:

``loopback``
    ``localhost`` and the literal loopback addresses (``127.0.0.0/8``, ``::1``).
``HOST`` or ``HOST:PORT``
    that host (case-insensitive, compared as written — no DNS lookup), any port or that port.
``http(s)://HOST[:PORT]/PATH``
    URLs of that scheme, host and port whose path is ``PATH`` or below it.
``*``
    any http(s) URL (no restriction).

A response URL may carry a user and password (``https://user:password@host/path``): the
sandbox sends them as HTTP Basic credentials, as Intacct does with a policy's HTTP user and
password, and shows the URL with the password masked (:func:`masked`).

The rules are checked when a policy is created or a package imported (a clear refusal),
and again on every outbound request (:class:`GuardedTransport`), because merge fields fill
Smart Event URLs at delivery time and a state file may hold URLs saved under other rules.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

import httpx

LOOPBACK = "loopback"
ANY = "*"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_MERGE_FIELD = re.compile(r"\{![^{}]*!\}")


class CallbackRuleError(ValueError):
    """A rule that cannot be understood."""


def is_loopback_host(host: str) -> bool:
    """``localhost`` or a literal loopback address (no DNS lookup)."""
    name = host.strip().strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class _Rule:
    text: str
    scheme: str = ""
    host: str = ""
    port: int | None = None
    path: str = ""

    def allows(self, url: httpx.URL) -> bool:
        if self.text == ANY:
            return True
        if self.text == LOOPBACK:
            return is_loopback_host(url.host)
        if url.host.lower() != self.host:
            return False
        port = url.port or _DEFAULT_PORTS.get(url.scheme)
        if self.scheme:
            if url.scheme != self.scheme or port != self.port:
                return False
            prefix = self.path.rstrip("/")
            return not prefix or url.path == prefix or url.path.startswith(prefix + "/")
        return self.port is None or port == self.port


def _parse_rule(text: str) -> _Rule:
    rule = text.strip()
    if rule.lower() in (LOOPBACK, ANY):
        return _Rule(rule.lower())
    if not rule:
        raise CallbackRuleError("an empty callback rule")
    if "://" in rule:
        try:
            url = httpx.URL(rule)
        except (httpx.InvalidURL, ValueError) as exc:
            raise CallbackRuleError(f"'{rule}' is not a URL: {exc}") from None
        if url.scheme not in _DEFAULT_PORTS or not url.host or url.userinfo:
            raise CallbackRuleError(
                f"'{rule}' must be an http(s) URL prefix with a host and no user name"
            )
        if url.query or url.fragment:
            raise CallbackRuleError(f"'{rule}' must not have a query or fragment")
        return _Rule(
            rule, url.scheme, url.host.lower(), url.port or _DEFAULT_PORTS[url.scheme], url.path
        )
    try:
        url = httpx.URL(f"http://{rule}")
    except (httpx.InvalidURL, ValueError) as exc:
        raise CallbackRuleError(f"'{rule}' is not a host or host:port: {exc}") from None
    if not url.host or url.path not in ("", "/") or url.userinfo or url.query:
        raise CallbackRuleError(
            f"'{rule}' is not a host or host:port (write a URL prefix as http(s)://host/path)"
        )
    return _Rule(rule, host=url.host.lower(), port=url.port)


class CallbackRules:
    """The URLs the sandbox may call; see the module documentation for the rule forms."""

    def __init__(self, rules: Iterable[str]) -> None:
        self._rules = tuple(_parse_rule(text) for text in rules)
        if not self._rules:
            raise CallbackRuleError("at least one callback rule is needed ('*' allows any URL)")

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(rule.text for rule in self._rules)

    def describe(self) -> str:
        return ", ".join(self.rules)

    def refusal(self, url: str) -> str | None:
        """Why the sandbox will not call ``url``, or ``None`` when it may."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, ValueError, TypeError):
            return f"'{url}' is not a valid URL."
        if parsed.scheme not in _DEFAULT_PORTS or not parsed.host:
            return f"'{url}' is not an http(s) URL with a host."
        if any(rule.allows(parsed) for rule in self._rules):
            return None
        return (
            f"The sandbox may not call {parsed.scheme}://{parsed.host}"
            f"{':' + str(parsed.port) if parsed.port else ''}: it is outside the allowed "
            f"callback URLs ({self.describe()}). Start the server with "
            "--allow-callback HOST[:PORT] (or a URL prefix) to allow it."
        )

    def template_refusal(self, template: str) -> str | None:
        """:meth:`refusal` for a Smart Event target whose merge fields are not filled yet."""
        return self.refusal(_MERGE_FIELD.sub("x", template))


def masked(url: str) -> str:
    """``url`` with the password of its user information (a transport policy's HTTP user
    and password, sent as HTTP Basic credentials) replaced by ``***``, for lists and logs."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        return url
    if not parsed.password:
        return url
    return str(parsed.copy_with(password="***"))


class GuardedTransport(httpx.BaseTransport):
    """An httpx transport that refuses requests to URLs outside the rules (no connection is
    made); the delivery log then shows the reason."""

    def __init__(self, rules: CallbackRules, inner: httpx.BaseTransport | None = None) -> None:
        self.rules = rules
        self.inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        reason = self.rules.refusal(str(request.url))
        if reason is not None:
            raise httpx.ConnectError(f"refused by the sandbox: {reason}", request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


__all__ = [
    "ANY",
    "LOOPBACK",
    "CallbackRuleError",
    "CallbackRules",
    "GuardedTransport",
    "is_loopback_host",
    "masked",
]
