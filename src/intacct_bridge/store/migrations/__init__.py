"""Alembic migrations of the operations store (``env.py`` and ``versions/``)."""
