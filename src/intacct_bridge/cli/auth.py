"""``intacct-bridge user …`` and ``intacct-bridge apikey …``: who may use the console and API.

::

    intacct-bridge user add alice --tenant acme-eu --role admin     # password asked twice
    printf '%s\\n' "$PW" | intacct-bridge user add bob --tenant acme-eu --password-stdin
    intacct-bridge user list
    intacct-bridge user passwd alice
    intacct-bridge user grant alice --tenant acme-us --role viewer
    intacct-bridge user revoke alice --tenant acme-us
    intacct-bridge user remove bob
    intacct-bridge apikey create --tenant acme-eu --name wms --scope documents:write
    intacct-bridge apikey list --tenant acme-eu
    intacct-bridge apikey revoke PREFIX --tenant acme-eu

Passwords are never taken as an argument (shells keep history): they are asked for, hidden,
twice, or read as one line from stdin. An API key is printed once, by ``apikey create``;
afterwards only its prefix is ever shown. Exit codes: 0 ok, 2 the command could not run.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.markup import escape

from intacct_bridge.auth.model import Role
from intacct_bridge.cli.config import console, fail, guarded, ready_engine
from intacct_bridge.cli.ops import DbOption

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

T = TypeVar("T")

user_app = typer.Typer(help="Console users, their tenants and roles.", no_args_is_help=True)
apikey_app = typer.Typer(
    help="API keys of the REST API clients (per tenant).", no_args_is_help=True
)

NameArg = Annotated[str, typer.Argument(metavar="NAME", help="Sign-in name (case-insensitive).")]
TenantsOption = Annotated[
    list[str],
    typer.Option(
        "--tenant", help="A tenant the user may see (repeat for several).", show_default=False
    ),
]
RoleOption = Annotated[
    Role, typer.Option("--role", help="viewer: read only; admin: change settings, keys, data.")
]
PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password as one line from stdin (scripts)."),
]
ApiTenantOption = Annotated[
    str,
    typer.Option("--tenant", envvar="INTACCT_BRIDGE_TENANT", help="The tenant the key belongs to."),
]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@contextmanager
def _store(db: str | None) -> Iterator[Session]:
    """A session in one transaction on an up-to-date database (committed on success)."""
    from intacct_bridge.store.session import session_factory

    engine = ready_engine(db)
    try:
        with session_factory(engine)() as session, session.begin():
            yield session
    finally:
        engine.dispose()


def _run(db: str | None, action: Callable[[Session], T]) -> T:
    with guarded(), _store(db) as session:
        return action(session)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            fail("--password-stdin: nothing on stdin")
        return line.rstrip("\r\n")
    entered: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return entered


def _checked_password(from_stdin: bool) -> str:
    from intacct_bridge.auth.passwords import check_password_strength

    password = _password(from_stdin)
    with guarded():
        check_password_strength(password)
    return password


def _roles_text(roles: dict[str, Role]) -> str:
    return ", ".join(f"{tenant} ({role.value})" for tenant, role in sorted(roles.items())) or "-"


def _rows(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Tab-separated lines under a header (easy to read, grep and cut)."""
    for row in [header, *rows]:
        typer.echo("\t".join(row))


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


# --- user ------------------------------------------------------------------------------------


@user_app.command("add")
def user_add(
    name: NameArg,
    tenant: TenantsOption,
    role: RoleOption = Role.VIEWER,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """Add a user with ROLE in each --tenant; the password is asked for (hidden, twice)."""
    from intacct_bridge.auth.passwords import PasswordHasher
    from intacct_bridge.auth.users import create_user

    if not tenant:
        fail("give at least one --tenant the user may see")
    password = _checked_password(password_stdin)
    user = _run(
        db, lambda s: create_user(s, PasswordHasher(), name, password, tenant, role, _now())
    )
    console().print(f"user {escape(user.name)}: added; {escape(_roles_text(dict(user.roles)))}")


@user_app.command("list")
def user_list(db: DbOption = None) -> None:
    """List the users with their tenants and roles."""
    from intacct_bridge.auth.users import list_users

    users = _run(db, list_users)
    if not users:
        typer.echo("no users yet; add one with: intacct-bridge user add")
        return
    _rows(
        ("user", "tenants (role)", "created", "password changed"),
        [
            (u.name, _roles_text(u.roles), _when(u.created_at), _when(u.password_changed_at))
            for u in users
        ],
    )


@user_app.command("remove")
def user_remove(name: NameArg, db: DbOption = None) -> None:
    """Remove the user; their open sessions end at once."""
    from intacct_bridge.auth.users import remove_user

    _run(db, lambda s: remove_user(s, name))
    console().print(f"user {escape(name.casefold())}: removed, signed out everywhere")


@user_app.command("passwd")
def user_passwd(name: NameArg, password_stdin: PasswordStdin = False, db: DbOption = None) -> None:
    """Set a new password (asked for, hidden, twice); the user's sessions end."""
    from intacct_bridge.auth.passwords import PasswordHasher
    from intacct_bridge.auth.users import get_user, set_password

    _run(db, lambda s: get_user(s, name))  # unknown user: say so before asking
    password = _checked_password(password_stdin)
    _run(db, lambda s: set_password(s, PasswordHasher(), name, password, _now()))
    console().print(f"user {escape(name.casefold())}: password changed, signed out everywhere")


@user_app.command("grant")
def user_grant(
    name: NameArg, tenant: TenantsOption, role: RoleOption = Role.VIEWER, db: DbOption = None
) -> None:
    """Give the user ROLE in each --tenant (replaces the role they had there)."""
    from intacct_bridge.auth.users import grant

    if not tenant:
        fail("give at least one --tenant")
    user = _run(db, lambda s: grant(s, name, tenant, role))
    console().print(f"user {escape(user.name)}: {escape(_roles_text(dict(user.roles)))}")


@user_app.command("revoke")
def user_revoke(name: NameArg, tenant: TenantsOption, db: DbOption = None) -> None:
    """Take away the user's access to each --tenant (from their next request on)."""
    from intacct_bridge.auth.users import revoke

    if not tenant:
        fail("give at least one --tenant")
    user = _run(db, lambda s: revoke(s, name, tenant))
    console().print(f"user {escape(user.name)}: {escape(_roles_text(dict(user.roles)))}")


# --- apikey ----------------------------------------------------------------------------------


@apikey_app.command("create")
def apikey_create(
    tenant: ApiTenantOption,
    name: Annotated[str, typer.Option("--name", help="Who uses the key (the client: wms, erp).")],
    scope: Annotated[
        list[str],
        typer.Option(
            "--scope",
            help="master-data:write, documents:write, state:read, sync:run (repeat).",
            show_default=False,
        ),
    ],
    db: DbOption = None,
) -> None:
    """Create an API key; it is printed ONCE — store it in the client's secret store now."""
    from intacct_bridge.auth.apikeys import create_api_key
    from intacct_bridge.auth.model import parse_scopes

    with guarded():
        scopes = parse_scopes(scope or [])
    key, info = _run(db, lambda s: create_api_key(s, tenant, name, scopes, _now()))
    out = console()
    out.print(
        f"API key {info.prefix} for {escape(info.name)} (tenant {escape(info.tenant_id)}; "
        f"scopes {' '.join(sorted(s.value for s in info.scopes))}):"
    )
    typer.echo(key.text)
    out.print(
        "It is shown only this once and stored only as a hash. Send it as "
        "'Authorization: Bearer <key>'. Revoke: intacct-bridge apikey revoke "
        f"{info.prefix} --tenant {escape(info.tenant_id)}"
    )


@apikey_app.command("list")
def apikey_list(tenant: ApiTenantOption, db: DbOption = None) -> None:
    """List the tenant's API keys (prefix, name, scopes, created, last used, revoked)."""
    from intacct_bridge.auth.apikeys import list_api_keys

    keys = _run(db, lambda s: list_api_keys(s, tenant))
    if not keys:
        typer.echo(f"no API keys in tenant {tenant}")
        return
    _rows(
        ("prefix", "name", "scopes", "created", "last used", "revoked"),
        [
            (
                key.prefix,
                key.name,
                " ".join(sorted(s.value for s in key.scopes)),
                _when(key.created_at),
                _when(key.last_used_at),
                _when(key.revoked_at),
            )
            for key in keys
        ],
    )


@apikey_app.command("revoke")
def apikey_revoke(
    prefix: Annotated[
        str, typer.Argument(metavar="PREFIX", help="The key's prefix (apikey list).")
    ],
    tenant: ApiTenantOption,
    db: DbOption = None,
) -> None:
    """Revoke an API key: refused from the next request on, for good."""
    from intacct_bridge.auth.apikeys import revoke_api_key

    info = _run(db, lambda s: revoke_api_key(s, tenant, prefix, _now()))
    console().print(
        f"API key {info.prefix} ({escape(info.name)}): revoked {_when(info.revoked_at)}"
    )
