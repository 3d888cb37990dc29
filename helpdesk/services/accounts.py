"""Staff, leadership and admin accounts; passwords hashed with argon2."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from helpdesk.domain.errors import DomainError
from helpdesk.domain.roles import ROLES
from helpdesk.services.context import DeskContext
from helpdesk.store.schema import User

hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True if the password matches the stored hash (never raises)."""
    if not stored:
        return False
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def one_time_password() -> str:
    """A password to print once for a first login."""
    return secrets.token_urlsafe(12)


async def add_user(
    ctx: DeskContext,
    name: str,
    role: str,
    password: str | None,
    *,
    display_name: str | None = None,
    email: str | None = None,
    telegram_user_id: int | None = None,
    must_change_password: bool = False,
) -> User:
    """Create an account; the name is unique and the role one of staff, leadership, admin."""
    if role not in ROLES:
        raise DomainError(f"role {role!r}: choose one of {', '.join(ROLES)}")
    if not name.strip():
        raise DomainError("a user needs a name")
    async with ctx.sessions.begin() as session:
        if await session.scalar(select(User.id).where(User.name == name)) is not None:
            raise DomainError(f"user {name!r} exists already")
        user = User(
            name=name.strip(),
            display_name=display_name,
            role=role,
            email=email,
            telegram_user_id=telegram_user_id,
            password_hash=hash_password(password) if password else None,
            must_change_password=must_change_password,
            active=True,
            created_at=ctx.now(),
        )
        session.add(user)
    return user


async def count_users(ctx: DeskContext) -> int:
    """How many accounts exist (the first start creates an admin when there are none)."""
    async with ctx.sessions() as session:
        return int(await session.scalar(select(func.count(User.id))) or 0)
