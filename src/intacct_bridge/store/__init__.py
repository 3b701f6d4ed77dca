"""The operations store: SQLAlchemy 2 tables, Alembic migrations, tenant-scoped repositories.

SQLite file by default (``sqlite:///./intacct-bridge.db``), PostgreSQL by URL
(``postgresql+psycopg://…``). Build an engine with :func:`session.create_store_engine`, bring
the schema up with :func:`migrate.upgrade`, then read and write through
:mod:`repositories`, always naming the tenant.
"""
