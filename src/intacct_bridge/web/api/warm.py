"""Work every server process would do on its first API requests, done at start-up instead.

A new process configures the ORM's mappers on its first query (about a quarter of a second),
imports the thread pool's event-loop backend on its first request, builds the converters'
plans on its first document and compiles the API's queries on first use: together about as
much CPU as a few hundred documents, paid by the first client of each worker. ``warm_up``
pays it before the process serves anything. It writes nothing, and a database that cannot
be reached only leaves the queries to be compiled later (``/health`` reports the database).
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, configure_mappers, sessionmaker

from intacct_bridge.intake.structure import StructureError
from intacct_bridge.web.api.convert import to_document

log = logging.getLogger(__name__)


def warm_up(sessions: sessionmaker[Session]) -> None:
    """Configure the mappers, import the backend, build the plans, compile the queries."""
    import anyio._backends._asyncio  # noqa: F401  (what the thread pool loads on first use)

    from intacct_bridge.web.api.documents import warm_queries

    configure_mappers()
    try:
        to_document({"type": "sales_invoice"})  # refused (fields missing); the plans are built
    except StructureError:
        pass
    try:
        with sessions() as session:
            try:
                warm_queries(session)
            finally:
                session.rollback()
    except Exception as error:  # start anyway: the first requests compile them
        log.info("API queries not compiled at start-up: %s", type(error).__name__)


__all__ = ["warm_up"]
