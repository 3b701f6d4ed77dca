"""Root of the ``intacct-bridge`` command line (Typer)."""

from __future__ import annotations

import typer

from intacct_bridge import __version__
from intacct_bridge.cli.auth import apikey_app, user_app
from intacct_bridge.cli.config import config_app, init_command
from intacct_bridge.cli.demo import demo_data_command
from intacct_bridge.cli.demo_run import demo_command
from intacct_bridge.cli.inbound import pull_command
from intacct_bridge.cli.openitems import openitems_command
from intacct_bridge.cli.ops import db_app, import_command, tenant_app
from intacct_bridge.cli.posting import post_command, posting_config_app, reconcile_command
from intacct_bridge.cli.sandbox import app as sandbox_app
from intacct_bridge.cli.serve import serve_command
from intacct_bridge.cli.setup import connection_app, package_app, setup_app
from intacct_bridge.cli.sync import mapping_app, status_command, sync_command, worker_command

app = typer.Typer(
    name="intacct-bridge",
    help="Connect manufacturing & distribution operations to Sage Intacct.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(sandbox_app, name="sandbox")
app.command("import")(import_command)
app.add_typer(db_app, name="db")
app.add_typer(tenant_app, name="tenant")
app.command("demo-data")(demo_data_command)
app.command("demo")(demo_command)
app.command("init")(init_command)
config_app.add_typer(posting_config_app, name="posting")
app.add_typer(config_app, name="config")
app.add_typer(connection_app, name="connection")
app.add_typer(package_app, name="package")
app.add_typer(setup_app, name="setup")
app.command("serve")(serve_command)
app.command("pull")(pull_command)
app.add_typer(mapping_app, name="mapping")
app.command("status")(status_command)
app.command("sync")(sync_command)
app.command("worker")(worker_command)
app.command("post")(post_command)
app.command("reconcile")(reconcile_command)
app.command("openitems")(openitems_command)
app.add_typer(user_app, name="user")
app.add_typer(apikey_app, name="apikey")


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


if __name__ == "__main__":  # pragma: no cover
    app()
