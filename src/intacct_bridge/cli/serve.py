"""``intacct-bridge serve``: the bridge's HTTP app (health, the Smart Event receiver)."""

from __future__ import annotations

import os
import signal
from typing import Annotated

import typer

from intacct_bridge.cli.config import KeyFileOption
from intacct_bridge.cli.ops import DbOption


def serve_command(
    host: Annotated[
        str,
        typer.Option(help="Address to listen on (0.0.0.0 = every interface; put TLS in front)."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes serving requests (each with its own connections); use "
            "several on PostgreSQL for the REST API's throughput.",
        ),
    ] = 1,
) -> None:
    """Serve the bridge's HTTP app at http://HOST:PORT.

    Smart Events from the custom package post to /intacct/smart-events (the webhook URL of
    `package export`); GET /health reports the database and the secret key. Smart Events
    accepted but not applied before a stop are applied at start-up. Stop with Ctrl+C or
    SIGTERM. With --workers N, N processes share the port (uvicorn's supervisor restarts
    one that dies).
    """
    import uvicorn

    from intacct_bridge.cli.ops import _ready_engine
    from intacct_bridge.store.session import database_url
    from intacct_bridge.web.app import WebSettings, create_app
    from intacct_bridge.web.smart_events import PATH

    engine = _ready_engine(db)
    settings = WebSettings(db_url=database_url(db), secret_key_file=key_file)
    application = create_app(settings, engine=engine)
    state = application.state.bridge
    if state.keyring is None:
        typer.echo(
            f"warning: {state.keyring_problem} Smart Events are refused until the key is "
            "available.",
            err=True,
        )
    shown = f"[{host}]" if ":" in host else host
    typer.echo(
        f"intacct-bridge listening on http://{shown}:{port} — Smart Events: {PATH}, health: /health"
    )
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again for the
    # previous handler: make that a normal exit (status 0), as for Ctrl+C.
    previous = signal.signal(signal.SIGTERM, _exit_quietly)
    try:
        if workers == 1:
            uvicorn.run(application, host=host, port=port, log_level="warning")
        else:
            # each worker builds its own app (and engine) from the same settings
            engine.dispose()
            os.environ["INTACCT_BRIDGE_DB_URL"] = database_url(db)
            if key_file is not None:
                os.environ["INTACCT_BRIDGE_SECRET_KEY_FILE"] = str(key_file.resolve())
            uvicorn.run(
                "intacct_bridge.web.app:create_app",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                log_level="warning",
                access_log=False,
            )
    finally:
        signal.signal(signal.SIGTERM, previous)
        engine.dispose()


def _exit_quietly(signum: int, frame: object) -> None:
    raise SystemExit(0)
