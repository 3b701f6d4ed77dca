"""``intacct-bridge sandbox …``: run and administer the offline Intacct gateway."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="The offline Intacct sandbox (XML gateway emulator).", no_args_is_help=True)


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(envvar="INTACCT_BRIDGE_SANDBOX_HOST", help="Interface to listen on.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(envvar="INTACCT_BRIDGE_SANDBOX_PORT", help="TCP port.")
    ] = 8080,
    state: Annotated[
        Path | None,
        typer.Option(
            envvar="INTACCT_BRIDGE_SANDBOX_STATE",
            help="JSON file holding the sandbox state across restarts (default: in memory).",
        ),
    ] = None,
    quickstart: Annotated[
        bool, typer.Option(help="On an empty state, create the demo sender, company and user.")
    ] = True,
) -> None:
    """Serve the Intacct XML gateway at http://HOST:PORT/ia/xml/xmlgw.phtml."""
    import uvicorn

    from intacct_bridge.sandbox import Sandbox

    sandbox = Sandbox()
    if state is not None and state.exists():
        from intacct_bridge.sandbox.persistence import load_state

        load_state(sandbox.backend, state)
    if quickstart and not sandbox.backend.companies:
        creds = sandbox.quickstart()
        typer.echo(
            f"Sandbox company {creds.company_id}: sender {creds.sender_id} / "
            f"{creds.sender_password}, user {creds.user_id} / {creds.user_password}"
        )
    application = sandbox.asgi_app()
    typer.echo(f"Intacct sandbox gateway: http://{host}:{port}/ia/xml/xmlgw.phtml")
    try:
        uvicorn.run(application, host=host, port=port, log_level="warning")
    finally:
        if state is not None:
            from intacct_bridge.sandbox.persistence import save_state

            save_state(sandbox.backend, state)
