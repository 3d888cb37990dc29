"""Staff, leadership and admin accounts; passwords hashed with argon2."""

from __future__ import annotations

import secrets
from functools import cache

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


FIRST_ADMIN = "admin"
MIN_PASSWORD = 10


async def ensure_first_admin(ctx: DeskContext) -> str | None:
    """With no account at all, create `admin` with a one-time password and return it (to print once); else None."""
    if await count_users(ctx):
        return None
    password = one_time_password()
    try:
        await add_user(ctx, FIRST_ADMIN, "admin", password, display_name="管理员", must_change_password=True)
    except DomainError:
        return None  # another process created it first: its password was printed there
    return password


async def authenticate(ctx: DeskContext, name: str, password: str) -> User | None:
    """The active user with this name and password, or None (a missing user costs a hash too, to hide which)."""
    async with ctx.sessions() as session:
        user = await session.scalar(select(User).where(User.name == name.strip(), User.active.is_(True)))
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    return user if verify_password(user.password_hash, password) else None


async def change_password(ctx: DeskContext, user_id: int, current: str, new: str) -> None:
    """Set a new password after checking the current one; clears the first-login flag."""
    if len(new) < MIN_PASSWORD:
        raise DomainError(f"a password needs {MIN_PASSWORD} characters or more")
    async with ctx.sessions.begin() as session:
        user = await session.get(User, user_id, with_for_update=True)
        if user is None or not user.active:
            raise DomainError("no such active user")
        if not verify_password(user.password_hash, current):
            raise DomainError("the current password is wrong")
        user.password_hash = hash_password(new)
        user.must_change_password = False



@cache
def _dummy_hash() -> str:
    return hash_password("not-a-real-password")
