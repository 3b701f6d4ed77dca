"""``intacct-bridge init`` and ``intacct-bridge config …``: the configuration page from the shell.

::

    intacct-bridge init                                   # key file (0600) + database
    intacct-bridge config set --company-id ACME --user-id xt_api --user-password ?
    intacct-bridge config show                            # secrets shown as ••••
    intacct-bridge config rotate-key                      # new key, every secret re-encrypted

Secrets are given as ``?`` (prompted, hidden), ``-`` (one line from stdin), through the
environment (``INTACCT_BRIDGE_SENDER_PASSWORD``, ``INTACCT_BRIDGE_USER_PASSWORD``,
``INTACCT_BRIDGE_WEBHOOK_SECRET``), or — avoid it, shells keep history — as the value.
They are stored encrypted and never printed.

The plumbing at the end (Rich output, one-line errors, exit codes) is shared with
:mod:`intacct_bridge.cli.setup`. Exit codes: 0 ok, 1 problems found, 2 the command could
not run (bad input, no key, …) — never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from intacct_bridge.config.models import TransactionLevel
from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID

if TYPE_CHECKING:
    from pydantic import ValidationError
    from sqlalchemy import Engine

    from intacct_bridge.config.models import IntegrationConfig
    from intacct_bridge.config.secrets import Keyring
    from intacct_bridge.config.settings import Settings

# --- plumbing (shared with cli/setup.py) ---------------------------------------------------
# The environment is read once, through intacct_bridge.config.settings.Settings: an option
# left out falls back to its INTACCT_BRIDGE_* variable, then to the default.

KeyFileOption = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        dir_okay=False,
        help="Secret key file (default: $INTACCT_BRIDGE_SECRET_KEY_FILE, else "
        "$INTACCT_BRIDGE_HOME/secret.key = ./.intacct-bridge/secret.key; "
        "$INTACCT_BRIDGE_SECRET_KEY wins over any file).",
        show_default=False,
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: $INTACCT_BRIDGE_DB_URL, else "
        "sqlite:///./intacct-bridge.db; PostgreSQL: postgresql+psycopg://user@host/db).",
        show_default=False,
    ),
]
TenantOption = Annotated[
    str | None,
    typer.Option(
        "--tenant",
        help="Tenant (default: $INTACCT_BRIDGE_TENANT, else 'default').",
        show_default=False,
    ),
]


def console() -> Console:
    """A console on the current stdout (so test runners capture it)."""
    return Console(highlight=False, soft_wrap=True)


def err_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 2) -> NoReturn:
    err_console().print(f"[red]error:[/red] {escape(message)}")
    raise typer.Exit(code)


def validation_message(error: ValidationError) -> str:
    from intacct_bridge.config.models import LABELS

    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "configuration"
        label = LABELS.get(where.split(".")[0], where)
        message = str(item["msg"]).removeprefix("Value error, ")
        parts.append(f"{label}: {message}")
    return "; ".join(parts)


@contextmanager
def guarded() -> Iterator[None]:
    """Turn every failure into a one-line message and exit code 2 (never a traceback)."""
    from pydantic import ValidationError

    from intacct_bridge.errors import BridgeError
    from intacct_bridge.model.errors import ModelError

    try:
        yield
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except ValidationError as error:
        fail(validation_message(error))
    except (BridgeError, ModelError) as error:
        fail(str(error))
    except Exception as error:
        fail(f"unexpected failure ({type(error).__name__}): {error}")


def settings() -> Settings:
    """The ``INTACCT_BRIDGE_*`` environment; a bad value stops the command with its name."""
    from intacct_bridge.config.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as error:
        fail(str(error))


def tenant_of(tenant: str | None) -> str:
    """The tenant to work on: ``--tenant``, else ``$INTACCT_BRIDGE_TENANT``, else default."""
    return tenant if tenant is not None else settings().tenant


def keyring(key_file: Path | None, *, required: bool = True) -> Keyring | None:
    from intacct_bridge.config.secrets import ENV_KEY, SecretKeyError, load_keyring

    env = settings()
    key = env.secret_key.get_secret_value() if env.secret_key is not None else ""
    try:
        return load_keyring(key_file or env.key_file, env={ENV_KEY: key} if key else {})
    except SecretKeyError as error:
        if required:
            fail(str(error))
        return None


def database_url(db: str | None) -> str:
    """``--db``, else ``$INTACCT_BRIDGE_DB_URL``, else the SQLite file."""
    return db or settings().db_url


def ready_engine(db: str | None) -> Engine:
    from intacct_bridge.cli.ops import _ready_engine

    return _ready_engine(database_url(db))


def read_secret(value: str | None, what: str) -> str | None:
    """A secret given on the command line: ``?`` prompts (hidden), ``-`` reads stdin."""
    if value is None:
        return None
    if value == "?":
        entered: str = typer.prompt(what, hide_input=True, confirmation_prompt=False)
        return entered
    if value == "-":
        return sys.stdin.readline().rstrip("\r\n")
    return value


def masked_url(url: str) -> str:
    """A database URL with its password hidden."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


MARKS = {
    "ok": "[green]✓[/green]",
    "failed": "[red]✗[/red]",
    "missing": "[red]✗[/red]",
    "skipped": "[dim]-[/dim]",
    "not tested": "[dim]·[/dim]",
    "manual": "[yellow]?[/yellow]",
}


# --- init ------------------------------------------------------------------------------------


def init_command(
    key_file: KeyFileOption = None,
    db: DbOption = None,
) -> None:
    """Create the secret key file (mode 0600) and the database; safe to run again."""
    from intacct_bridge.config.secrets import ENV_KEY, create_key_file
    from intacct_bridge.store.migrate import upgrade

    out = console()
    with guarded():
        env = settings()
        if env.secret_key is not None and env.secret_key.get_secret_value().strip():
            out.print(f"Secret key: from ${ENV_KEY} (no key file written).")
        else:
            path = key_file or env.key_file
            if create_key_file(path):
                out.print(
                    f"Secret key: created {escape(str(path))} (mode 0600). Keep it private and "
                    "backed up: without it the stored passwords cannot be read."
                )
            else:
                keyring(path)  # refuses an unreadable or world-readable file
                out.print(f"Secret key: {escape(str(path))} exists; kept.")
        url = database_url(db)
        upgrade(url)
        out.print(
            f"Database: {escape(masked_url(url))} is up to date (tenant {DEFAULT_TENANT_ID})."
        )
        out.print(
            "Next: intacct-bridge setup sandbox (an offline Intacct company), or "
            "intacct-bridge config set … for a real one (docs/setup.md)."
        )


# --- config ----------------------------------------------------------------------------------

config_app = typer.Typer(
    help="The Sage Intacct configuration page (per tenant).", no_args_is_help=True
)

SecretOption = Annotated[
    str | None,
    typer.Option(
        help="'?' prompts (hidden), '-' reads stdin.",
        show_default=False,
    ),
]
Text = Annotated[str | None, typer.Option(show_default=False)]
Switch = Annotated[bool | None, typer.Option(show_default=False)]


def _text(value: str | None) -> str | None:
    """A text option: '' clears the field."""
    return None if value is None else (value.strip() or None)


def _tax_default(spec: str) -> dict[str, Any]:
    """``COUNTRY:INTACCT_TAX_SOLUTION[:key=value…]`` (keys: solution, category, level)."""
    country, _, rest = spec.partition(":")
    parts = rest.split(":") if rest else []
    row: dict[str, Any] = {"country": country}
    if parts and "=" not in parts[0]:
        row["intacct_tax_solution"] = parts.pop(0).strip() or None
    keys = {"solution": "tax_solution", "category": "tax_category", "level": "transaction_level"}
    for part in parts:
        key, sep, value = part.partition("=")
        if not sep or key.strip() not in keys:
            raise typer.BadParameter(
                f"{spec!r}: use COUNTRY:INTACCT_TAX_SOLUTION[:solution=…][:category=…]"
                "[:level=top_level|entity_level]",
                param_hint="--tax-default",
            )
        row[keys[key.strip()]] = value.strip() or None
    return row


@config_app.command("set")
def config_set(
    tenant: TenantOption = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    option_active: Annotated[
        bool | None,
        typer.Option(
            "--option-active/--option-inactive",
            help="Options management: the Sage Intacct integration option.",
            show_default=False,
        ),
    ] = None,
    config_id: Annotated[str | None, typer.Option("--id", help="ID of this configuration.")] = None,
    active: Annotated[bool | None, typer.Option("--active/--inactive", show_default=False)] = None,
    endpoint_url: Text = None,
    sender_id: Text = None,
    sender_password: Annotated[
        str | None,
        typer.Option(
            envvar="INTACCT_BRIDGE_SENDER_PASSWORD",
            help="'?' prompts (hidden), '-' reads stdin.",
            show_default=False,
        ),
    ] = None,
    company_id: Annotated[
        str | None,
        typer.Option(help="Intacct company ID (Company > Company Info: the ID field)."),
    ] = None,
    user_id: Annotated[str | None, typer.Option(help="The web services user.")] = None,
    user_password: Annotated[
        str | None,
        typer.Option(
            envvar="INTACCT_BRIDGE_USER_PASSWORD",
            help="'?' prompts (hidden), '-' reads stdin.",
            show_default=False,
        ),
    ] = None,
    entity_id: Annotated[
        str | None, typer.Option(help="Sign in to this entity (MEGA); '' = top level.")
    ] = None,
    policy_id: Annotated[
        str | None, typer.Option(help="Transport policy for asynchronous requests.")
    ] = None,
    asynchronous: Annotated[
        bool | None, typer.Option("--asynchronous/--synchronous", show_default=False)
    ] = None,
    async_timeout: Annotated[int | None, typer.Option(help="Seconds (1-3600).")] = None,
    audit_trail: Annotated[
        bool | None, typer.Option("--audit-trail/--no-audit-trail", show_default=False)
    ] = None,
    legislation: Annotated[str | None, typer.Option(help="Country code (US, GB …).")] = None,
    chart_of_accounts: Text = None,
    transaction_level: Annotated[
        TransactionLevel | None,
        typer.Option(help="Transaction integration level (MEGA).", show_default=False),
    ] = None,
    tax_solution: Annotated[str | None, typer.Option(help="Default tax solution.")] = None,
    tax_default: Annotated[
        list[str] | None,
        typer.Option(
            help="Tax grid row: COUNTRY:INTACCT_TAX_SOLUTION[:solution=…][:category=…]"
            "[:level=…] (repeatable; replaces that country's row).",
            show_default=False,
        ),
    ] = None,
    remove_tax_default: Annotated[
        list[str] | None, typer.Option(help="Remove a country's tax row.", show_default=False)
    ] = None,
    contact_category_names: Switch = None,
    exclude_display_contact: Switch = None,
    clean_contact_list: Switch = None,
    webhook_url: Annotated[
        str | None, typer.Option(help="Where the Smart Events post (the bridge's receiver).")
    ] = None,
    webhook_secret: Annotated[
        str | None,
        typer.Option(
            envvar="INTACCT_BRIDGE_WEBHOOK_SECRET",
            help="'?' prompts (hidden), '-' reads stdin.",
            show_default=False,
        ),
    ] = None,
    new_webhook_secret: Annotated[
        bool, typer.Option(help="Generate a new webhook secret (then re-export the package).")
    ] = False,
    rebind: Annotated[
        bool, typer.Option(help="Allow binding the tenant to another Intacct company.")
    ] = False,
) -> None:
    """Create or change the tenant's configuration; only the given fields change."""
    import secrets as _random

    from intacct_bridge.config.models import IntegrationConfig
    from intacct_bridge.config.secrets import Secret
    from intacct_bridge.config.store import get_config, save_config
    from intacct_bridge.store.session import session_factory

    out = console()
    with guarded():
        tenant = tenant_of(tenant)
        changes: dict[str, Any] = {}
        for name, value in (
            ("id", config_id),
            ("endpoint_url", _text(endpoint_url)),
            ("sender_id", _text(sender_id)),
            ("async_timeout", async_timeout),
            ("transaction_level", transaction_level),
        ):
            if value is not None:
                changes[name] = value
        for name, raw in (
            ("company_id", company_id),
            ("user_id", user_id),
            ("entity_id", entity_id),
            ("policy_id", policy_id),
            ("legislation", legislation),
            ("chart_of_accounts", chart_of_accounts),
            ("tax_solution", tax_solution),
            ("webhook_url", webhook_url),
        ):
            if raw is not None:
                changes[name] = _text(raw)
        for name, flag in (
            ("option_active", option_active),
            ("active", active),
            ("asynchronous", asynchronous),
            ("audit_trail", audit_trail),
        ):
            if flag is not None:
                changes[name] = flag
        secrets: dict[str, str | None] = {
            "sender_password": read_secret(sender_password, "Sender password"),
            "user_password": read_secret(user_password, "Password of the web services user"),
            "webhook_secret": read_secret(webhook_secret, "Webhook secret"),
        }
        if new_webhook_secret:
            secrets["webhook_secret"] = _random.token_urlsafe(32)
        for name, value in secrets.items():
            if value is not None:
                if not value:
                    fail(f"{name.replace('_', ' ')}: give a value (empty secrets are refused)")
                changes[name] = Secret(value)
        needs_key = any(isinstance(v, Secret) for v in changes.values())
        ring = keyring(key_file, required=needs_key)
        engine = ready_engine(db)
        try:
            with session_factory(engine)() as session:
                current = get_config(session, tenant, ring) or IntegrationConfig(tenant_id=tenant)
                if tax_default or remove_tax_default:
                    rows = {row.country: row for row in current.tax_defaults}
                    for country in remove_tax_default or []:
                        rows.pop(country.strip().upper(), None)
                    merged = [row.model_dump() for row in rows.values()]
                    for spec in tax_default or []:
                        new = _tax_default(spec)
                        merged = [r for r in merged if r["country"] != new["country"].upper()]
                        merged.append(new)
                    changes["tax_defaults"] = merged
                contact_changes = {
                    key: value
                    for key, value in (
                        ("category_names", contact_category_names),
                        ("exclude_display_contact", exclude_display_contact),
                        ("clean_contact_list", clean_contact_list),
                    )
                    if value is not None
                }
                if contact_changes:
                    changes["contacts"] = current.contacts.model_copy(update=contact_changes)
                updated = current.updated(**changes)
                save_config(session, tenant, updated, ring, rebind=rebind)
                session.commit()
        finally:
            engine.dispose()
        from intacct_bridge.config.models import LABELS

        named = ", ".join(LABELS.get(k, k) for k in changes) or "nothing (defaults stored)"
        out.print(f"Configuration of tenant {escape(tenant)} saved; changed: {escape(named)}.")
        if "webhook_secret" in changes or "webhook_url" in changes:
            out.print(
                "The custom package carries the webhook URL and secret: export it again "
                "(intacct-bridge package export) and import it in Sage Intacct."
            )


def _yes(value: bool) -> str:
    return "on" if value else "off"


def _secret_state(secret: object) -> str:
    from intacct_bridge.config.secrets import MASK, Secret

    if secret is None:
        return "(not set)"
    assert isinstance(secret, Secret)
    if not secret.readable:
        return f"{MASK} (set; cannot be read: {secret.problem})"
    return f"{MASK} (set)"


def describe(
    config: IntegrationConfig, company_binding: str | None
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The configuration as (section, [(label, value)]) — secrets masked."""

    def value(v: str | None) -> str:
        return v if v else "(not set)"

    tax_rows = [
        (
            row.country,
            f"Intacct tax solution {value(row.intacct_tax_solution)}; tax solution "
            f"{value(row.tax_solution)}; tax category {value(row.tax_category)}; "
            f"{row.transaction_level.label}",
        )
        for row in config.tax_defaults
    ] or [("(none)", "no country rows")]
    return [
        (
            "Option",
            [("Sage Intacct integration", "active" if config.option_active else "inactive")],
        ),
        (
            "General",
            [
                ("ID", config.id),
                ("Active", "yes" if config.active else "no"),
                ("Endpoint URL", config.endpoint_url),
                ("Sender ID", config.sender_id),
                ("Sender password", _secret_state(config.sender_password)),
                ("Company ID", value(config.company_id)),
                ("User ID", value(config.user_id)),
                ("Password", _secret_state(config.user_password)),
                ("Entity ID", value(config.entity_id) if config.entity_id else "(top level)"),
                ("Policy ID", value(config.policy_id)),
                ("Asynchronous", _yes(config.asynchronous)),
                ("Asynchronous timeout", f"{config.async_timeout} s"),
            ],
        ),
        (
            "Audit trail",
            [
                ("Audit trail", _yes(config.audit_trail)),
                (
                    "Info",
                    f"tenant {config.tenant_id} ↔ Intacct company "
                    f"{company_binding or '(not bound yet)'}",
                ),
            ],
        ),
        (
            "Defaults",
            [
                ("Legislation", value(config.legislation)),
                ("Chart of accounts", value(config.chart_of_accounts)),
                ("Transaction integration level", config.transaction_level.label),
                ("Default tax solution", value(config.tax_solution)),
            ],
        ),
        ("Tax defaults", tax_rows),
        (
            "Contacts",
            [
                ("Contact list category name", _yes(config.contacts.category_names)),
                (
                    "Exclude display contact from the contact list",
                    _yes(config.contacts.exclude_display_contact),
                ),
                ("Clean the contact list", _yes(config.contacts.clean_contact_list)),
            ],
        ),
        (
            "Custom package",
            [
                ("Webhook URL", value(config.webhook_url)),
                ("Webhook secret", _secret_state(config.webhook_secret)),
            ],
        ),
    ]


@config_app.command("show")
def config_show(
    tenant: TenantOption = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the configuration; secrets are masked (••••) with whether one is set."""
    from intacct_bridge.config.store import binding, get_config
    from intacct_bridge.store.session import session_factory

    out = console()
    with guarded():
        tenant = tenant_of(tenant)
        ring = keyring(key_file, required=False)
        engine = ready_engine(db)
        try:
            with session_factory(engine)() as session:
                config = get_config(session, tenant, ring)
                bound = binding(session, tenant).company_id
        finally:
            engine.dispose()
        if config is None:
            fail(
                f"tenant {tenant} has no Intacct configuration yet; create it with "
                "intacct-bridge config set (or intacct-bridge setup sandbox)",
                code=1,
            )
        if as_json:
            document = config.model_dump(mode="json")
            for name in ("sender_password", "user_password", "webhook_secret"):
                if getattr(config, name) is None:
                    document[name] = None
            document["binding"] = {"tenant": tenant, "intacct_company_id": bound}
            sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
            return
        out.print(f"[bold]Sage Intacct configuration — tenant {escape(tenant)}[/bold]")
        for section, rows in describe(config, bound):
            out.print(f"\n[bold]{escape(section)}[/bold]")
            for label, text in rows:
                out.print(f"  {escape(label)}: {escape(text)}")
        if ring is None:
            out.print(
                "\n[yellow]No secret key is available: the stored secrets cannot be used "
                "(run intacct-bridge init, or set INTACCT_BRIDGE_SECRET_KEY).[/yellow]"
            )


@config_app.command("rotate-key")
def config_rotate_key(
    db: DbOption = None,
    key_file: KeyFileOption = None,
    keep_old_keys: Annotated[
        bool, typer.Option(help="Keep the old keys in the key file (they still decrypt).")
    ] = False,
) -> None:
    """Make a new key and re-encrypt every stored secret (all tenants) with it.

    With $INTACCT_BRIDGE_SECRET_KEY, put the new key first (NEW,OLD) and run this: the
    secrets are re-encrypted with the first key; then drop OLD from the variable.
    """
    from intacct_bridge.config.secrets import Keyring, KeySource, generate_key, write_key_file
    from intacct_bridge.config.store import rotate_secrets, unreadable_secrets
    from intacct_bridge.store.session import session_factory

    out = console()
    with guarded():
        ring = keyring(key_file)
        assert ring is not None
        engine = ready_engine(db)
        try:
            with session_factory(engine)() as session:
                problems = unreadable_secrets(session, ring)
                if problems:
                    fail(
                        "these stored secrets cannot be decrypted with the current key(s), so "
                        f"nothing was rotated: {'; '.join(problems)}. Put the key that "
                        "encrypted them back (on its own line), or set them again.",
                        code=1,
                    )
                if ring.source.kind == "env":
                    count = rotate_secrets(session, ring)
                    session.commit()
                    out.print(
                        f"Re-encrypted {count} secret(s) with the first key of "
                        f"$INTACCT_BRIDGE_SECRET_KEY (key {ring.fingerprint})."
                    )
                    if ring.size == 1:
                        out.print(
                            'To rotate: generate a key (python -c "from cryptography.fernet '
                            'import Fernet; print(Fernet.generate_key().decode())"), set '
                            "INTACCT_BRIDGE_SECRET_KEY=NEW,OLD, run this again, then drop OLD."
                        )
                    else:
                        out.print("The older keys in the variable can now be removed.")
                    return
                path = ring.source.path
                assert path is not None
                new_ring = Keyring([generate_key(), *ring.keys], KeySource("file", path))
                write_key_file(path, new_ring.keys)  # new + old: both decrypt meanwhile
                count = rotate_secrets(session, new_ring)
                session.commit()
        finally:
            engine.dispose()
        if not keep_old_keys:
            write_key_file(path, new_ring.keys[:1])
        out.print(
            f"Re-encrypted {count} secret(s) with a new key ({new_ring.fingerprint}) in "
            f"{escape(str(path))}"
            + ("; the old keys are kept." if keep_old_keys else "; the old keys are removed.")
        )
