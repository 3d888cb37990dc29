"""Draft an Alembic migration from the difference between the models and a fresh database.

Usage: python scripts/draft_migration.py "message"   (review the file it writes before committing)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from helpdesk.store.database import alembic_config


def main() -> None:
    """Upgrade a scratch SQLite database to head, then autogenerate the next revision against it."""
    message = sys.argv[1] if len(sys.argv) > 1 else "schema change"
    with tempfile.TemporaryDirectory() as folder:
        config = alembic_config(f"sqlite:///{Path(folder) / 'draft.db'}")
        command.upgrade(config, "heads")
        command.revision(config, message=message, autogenerate=True)


if __name__ == "__main__":
    main()
