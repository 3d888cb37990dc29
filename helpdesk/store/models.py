"""Every table module of the store, imported so that their tables share one MetaData."""

from __future__ import annotations

from helpdesk.store import schema
from helpdesk.store.schema import Base

# Other table modules (timer, accounts, channels) are imported here as they are added.
__all__ = ["schema", "metadata"]

metadata = Base.metadata
