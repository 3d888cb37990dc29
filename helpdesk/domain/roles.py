"""Who may do what: checked on the server for every staff action, whatever the button said."""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk.domain.errors import PermissionDenied

STAFF, LEADERSHIP, ADMIN = "staff", "leadership", "admin"
ROLES = (STAFF, LEADERSHIP, ADMIN)

# Actions on tickets and the desk, and the roles allowed to take them.
PERMISSIONS: dict[str, frozenset[str]] = {
    "view": frozenset({STAFF, LEADERSHIP, ADMIN}),
    "register": frozenset({STAFF, ADMIN}),
    "accept": frozenset({STAFF, ADMIN}),
    "decline": frozenset({STAFF, ADMIN}),
    "answer": frozenset({STAFF, ADMIN}),
    "reply": frozenset({STAFF, ADMIN}),
    "assign": frozenset({STAFF, ADMIN}),
    "note": frozenset({STAFF, LEADERSHIP, ADMIN}),
    "resolve": frozenset({STAFF, ADMIN}),
    "extend": frozenset({STAFF, LEADERSHIP, ADMIN}),
    "recategorise": frozenset({STAFF, ADMIN}),
    "close": frozenset({STAFF, ADMIN}),
    "link": frozenset({STAFF, ADMIN}),
    "acknowledge": frozenset({LEADERSHIP, ADMIN}),
    "members": frozenset({STAFF, ADMIN}),
    "users": frozenset({ADMIN}),
    "reports": frozenset({STAFF, LEADERSHIP, ADMIN}),
}


@dataclass(frozen=True)
class Actor:
    """Someone acting on the desk: a user with a role, or the desk itself (`system`)."""

    name: str
    role: str
    user_id: int | None = None

    @property
    def label(self) -> str:
        """How the processing record names the actor."""
        return f"{self.role}:{self.name}"


SYSTEM = Actor(name="desk", role="system")


def authorize(actor: Actor, action: str) -> None:
    """Raise PermissionDenied unless the actor's role may take the action."""
    allowed = PERMISSIONS.get(action)
    if allowed is None:
        raise PermissionDenied(f"unknown action {action!r}")
    if actor.role not in allowed:
        raise PermissionDenied(f"{actor.label} may not {action}: it needs one of {', '.join(sorted(allowed))}")
