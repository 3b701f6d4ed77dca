"""The bridge's own HTTP app (FastAPI): health, the Smart Event receiver; later the console
and the REST API. Build it with :func:`intacct_bridge.web.app.create_app`."""

from intacct_bridge.web.app import WebSettings, create_app

__all__ = ["WebSettings", "create_app"]
