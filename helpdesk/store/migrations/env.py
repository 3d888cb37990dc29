"""Alembic environment: runs on the connection the desk hands it, or opens one from the URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from helpdesk.store.models import metadata

config = context.config


def run() -> None:
    """Run migrations on the given connection (the desk's) or a fresh synchronous one."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url") or ""
    url = url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg")
    with create_engine(url).connect() as sync_connection:
        context.configure(connection=sync_connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        sync_connection.commit()


run()
