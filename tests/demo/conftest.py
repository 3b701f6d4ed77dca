from tests.store.fixtures import backend, db_engine, fresh_url, session

__all__ = ["backend", "db_engine", "fresh_url", "session"]
