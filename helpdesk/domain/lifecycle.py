"""The ticket lifecycle as one table, enforced here whatever asked for the change."""

from __future__ import annotations

from enum import StrEnum

from helpdesk.domain.errors import IllegalTransition


class Status(StrEnum):
    """Where a grievance stands (Art. 9-16)."""

    RECEIVED = "received"  # registered, admissibility not yet answered (Art. 9)
    ACCEPTED = "accepted"  # admissible, category and tier set (Art. 9, 11)
    DECLINED = "declined"  # not admissible, reason and guidance sent (Art. 8, 9)
    IN_PROGRESS = "in_progress"  # someone is handling it (Art. 12, 13)
    RESOLVED = "resolved"  # result given, awaiting the member's view (Art. 15)
    REOPENED = "reopened"  # member dissatisfied: handled again (Art. 16)
    CLOSED = "closed"  # member satisfied, or closed by staff; archived


class Action(StrEnum):
    """What staff, the member or the desk can do to a ticket."""

    ACCEPT = "accept"
    DECLINE = "decline"
    ANSWER = "answer"  # accept and resolve in one step (a simple consultation, Art. 11 (1))
    ASSIGN = "assign"
    NOTE = "note"  # a progress note (Art. 11 (2), Art. 13)
    REPLY = "reply"  # an approved reply to the member
    START = "start"
    RESOLVE = "resolve"
    EXTEND = "extend"  # major tier only, once, with a reason (Art. 11 (3))
    RECATEGORISE = "recategorise"
    SATISFIED = "satisfied"
    DISSATISFIED = "dissatisfied"
    CLOSE = "close"
    MEMBER_MESSAGE = "member_message"  # the member wrote again
    LINK = "link"  # joined into a joint group (Art. 14)


S, A = Status, Action

# (status, action) -> new status. Anything not listed is illegal.
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (S.RECEIVED, A.ACCEPT): S.ACCEPTED,
    (S.RECEIVED, A.DECLINE): S.DECLINED,
    (S.RECEIVED, A.ANSWER): S.RESOLVED,
    (S.RECEIVED, A.ASSIGN): S.RECEIVED,
    (S.RECEIVED, A.NOTE): S.RECEIVED,
    (S.RECEIVED, A.REPLY): S.RECEIVED,
    (S.RECEIVED, A.RECATEGORISE): S.RECEIVED,
    (S.RECEIVED, A.MEMBER_MESSAGE): S.RECEIVED,
    (S.RECEIVED, A.LINK): S.RECEIVED,
    (S.ACCEPTED, A.START): S.IN_PROGRESS,
    (S.ACCEPTED, A.ASSIGN): S.ACCEPTED,
    (S.ACCEPTED, A.NOTE): S.IN_PROGRESS,
    (S.ACCEPTED, A.REPLY): S.IN_PROGRESS,
    (S.ACCEPTED, A.RESOLVE): S.RESOLVED,
    (S.ACCEPTED, A.EXTEND): S.ACCEPTED,
    (S.ACCEPTED, A.RECATEGORISE): S.ACCEPTED,
    (S.ACCEPTED, A.MEMBER_MESSAGE): S.ACCEPTED,
    (S.ACCEPTED, A.LINK): S.ACCEPTED,
    (S.IN_PROGRESS, A.ASSIGN): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.NOTE): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.REPLY): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.RESOLVE): S.RESOLVED,
    (S.IN_PROGRESS, A.EXTEND): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.RECATEGORISE): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.MEMBER_MESSAGE): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.LINK): S.IN_PROGRESS,
    (S.RESOLVED, A.SATISFIED): S.CLOSED,
    (S.RESOLVED, A.DISSATISFIED): S.REOPENED,
    (S.RESOLVED, A.CLOSE): S.CLOSED,
    (S.RESOLVED, A.NOTE): S.RESOLVED,
    (S.RESOLVED, A.MEMBER_MESSAGE): S.RESOLVED,
    (S.REOPENED, A.ASSIGN): S.REOPENED,
    (S.REOPENED, A.NOTE): S.REOPENED,
    (S.REOPENED, A.REPLY): S.REOPENED,
    (S.REOPENED, A.RESOLVE): S.RESOLVED,
    (S.REOPENED, A.MEMBER_MESSAGE): S.REOPENED,
    (S.DECLINED, A.CLOSE): S.CLOSED,
    (S.DECLINED, A.NOTE): S.DECLINED,
    (S.DECLINED, A.MEMBER_MESSAGE): S.DECLINED,
    (S.CLOSED, A.MEMBER_MESSAGE): S.CLOSED,
    (S.CLOSED, A.NOTE): S.CLOSED,
}

OPEN_STATUSES = frozenset({S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.REOPENED})
FINAL_STATUSES = frozenset({S.CLOSED})


def transition(status: Status | str, action: Action | str) -> Status:
    """The status after `action`, or IllegalTransition if the table does not allow it."""
    try:
        key = (Status(status), Action(action))
    except ValueError as exc:
        raise IllegalTransition(str(status), str(action)) from exc
    if key not in TRANSITIONS:
        raise IllegalTransition(key[0].value, key[1].value)
    return TRANSITIONS[key]


def allowed_actions(status: Status | str) -> tuple[Action, ...]:
    """The actions the table allows from a status (for buttons and forms)."""
    current = Status(status)
    return tuple(action for (state, action) in TRANSITIONS if state == current)
