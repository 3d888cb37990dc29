"""The desk's exception tree.

    HelpdeskError                 anything the desk raises on purpose
    ├── ConfigError               a settings, policy or calendar file is wrong (names file and key)
    │   └── PolicyError           config/policy.toml is wrong
    ├── DomainError               a request the regulation or the lifecycle does not allow
    │   ├── IllegalTransition     an action the ticket's status does not permit
    │   └── PermissionDenied      the actor's role may not do this
    ├── NotFound                  no such ticket, member or user
    └── DeliveryError             an outbound message could not be sent (raised by a channel's sender)
        ├── TemporaryFailure      try again later (network down, 429, 4xx SMTP); may carry retry_after
        └── PermanentFailure      never retry (bad address, member blocked the bot)

Channel adapters separate the sender's fault (a malformed message: recorded as a skip
with its reason) from ours (a bug or an outage: logged, the input kept for a retry).
"""

from __future__ import annotations


class HelpdeskError(Exception):
    """Base of everything the desk raises on purpose."""


class ConfigError(HelpdeskError):
    """A configuration file is wrong; the message names the file and the key."""


class PolicyError(ConfigError):
    """config/policy.toml is wrong."""


class DomainError(HelpdeskError):
    """The regulation or the lifecycle does not allow this."""


class IllegalTransition(DomainError):
    """The ticket's status does not permit this action."""

    def __init__(self, status: str, action: str) -> None:
        super().__init__(f"action {action!r} is not allowed while the ticket is {status!r}")
        self.status = status
        self.action = action


class PermissionDenied(DomainError):
    """The actor's role does not allow this action."""


class NotFound(HelpdeskError):
    """No such ticket, member or user."""


class DeliveryError(HelpdeskError):
    """An outbound message could not be delivered."""


class TemporaryFailure(DeliveryError):
    """Worth retrying later; retry_after in seconds when the other side said so."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentFailure(DeliveryError):
    """Never worth retrying (bad address, blocked bot)."""
