"""The regulation as typed data, parsed from the mapping of config/policy.toml."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from helpdesk.domain.errors import PolicyError


@dataclass(frozen=True)
class Named:
    """Anything the regulation names: a key, its Chinese and English names and its article."""

    key: str
    name_zh: str
    name_en: str
    article: str

    def name(self, language: str) -> str:
        """The name in the member's or staff member's language (Chinese first)."""
        return self.name_en if language.startswith("en") else self.name_zh


@dataclass(frozen=True)
class Category(Named):
    """A category of Art. 7 with its usual handling method of Art. 12."""

    handling: str


@dataclass(frozen=True)
class DeclineReason(Named):
    """A reason of Art. 8, with the guidance to other channels Art. 9 (3) asks for."""

    guidance_zh: str
    guidance_en: str

    def guidance(self, language: str) -> str:
        """Guidance in the member's language."""
        return self.guidance_en if language.startswith("en") else self.guidance_zh


@dataclass(frozen=True)
class Tier(Named):
    """A tier of Art. 11: its processing limit, owner and extension rule."""

    working_days: int
    owner: str
    owner_zh: str
    owner_en: str
    progress_updates: bool
    extendable: bool
    max_extensions: int
    extension_working_days: int


@dataclass(frozen=True)
class Limit(Named):
    """A fixed limit of the regulation (Art. 9, 15, 16)."""

    working_days: int


@dataclass(frozen=True)
class Policy:
    """The whole regulation as the desk applies it."""

    name_zh: str
    name_en: str
    categories: tuple[Category, ...]
    decline_reasons: tuple[DeclineReason, ...]
    tiers: tuple[Tier, ...]
    handling_methods: tuple[Named, ...]
    review: Limit
    result: Limit
    reprocessing: Limit

    def category(self, key: str) -> Category:
        """The category with this key, or a PolicyError naming it."""
        return _find(self.categories, key, "category")

    def decline_reason(self, key: str) -> DeclineReason:
        """The reason to decline with this key."""
        return _find(self.decline_reasons, key, "decline reason")

    def tier(self, key: str) -> Tier:
        """The tier with this key."""
        return _find(self.tiers, key, "tier")

    def handling_method(self, key: str) -> Named:
        """The handling method with this key."""
        return _find(self.handling_methods, key, "handling method")

    @property
    def category_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.categories)

    @property
    def tier_keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.tiers)

    @property
    def decline_reason_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.decline_reasons)


_T = TypeVar("_T", bound=Named)


def _find(items: tuple[_T, ...], key: str, what: str) -> _T:
    for item in items:
        if item.key == key:
            return item
    raise PolicyError(f"unknown {what} {key!r}; the policy knows {', '.join(i.key for i in items)}")


def parse_policy(data: Mapping[str, Any], source: str) -> Policy:
    """Build a Policy from the TOML mapping; a PolicyError names the key and the file."""
    reader = _Reader(source)
    regulation = reader.table(data, "regulation")
    categories = tuple(
        Category(**reader.named(item, f"categories[{i}]"), handling=reader.text(item, "handling", f"categories[{i}]"))
        for i, item in enumerate(reader.array(data, "categories"))
    )
    reasons = tuple(
        DeclineReason(
            **reader.named(item, f"decline_reasons[{i}]"),
            guidance_zh=reader.text(item, "guidance_zh", f"decline_reasons[{i}]"),
            guidance_en=reader.text(item, "guidance_en", f"decline_reasons[{i}]"),
        )
        for i, item in enumerate(reader.array(data, "decline_reasons"))
    )
    tiers = tuple(reader.tier(item, f"tiers[{i}]") for i, item in enumerate(reader.array(data, "tiers")))
    methods = tuple(
        Named(**reader.named(item, f"handling_methods[{i}]"))
        for i, item in enumerate(reader.array(data, "handling_methods"))
    )
    limits = reader.table(data, "limits")
    policy = Policy(
        name_zh=reader.text(regulation, "name_zh", "regulation"),
        name_en=reader.text(regulation, "name_en", "regulation"),
        categories=categories,
        decline_reasons=reasons,
        tiers=tiers,
        handling_methods=methods,
        review=reader.limit(limits, "review"),
        result=reader.limit(limits, "result"),
        reprocessing=reader.limit(limits, "reprocessing"),
    )
    for group, items in (("categories", categories), ("decline_reasons", reasons), ("tiers", tiers)):
        keys = [item.key for item in items]
        if len(set(keys)) != len(keys):
            raise PolicyError(f"{source}: duplicate key in [[{group}]]: {keys}")
    method_keys = {m.key for m in methods}
    for i, category in enumerate(categories):
        if category.handling not in method_keys:
            raise PolicyError(f"{source}: categories[{i}].handling = {category.handling!r} is not a handling method")
    return policy


class _Reader:
    """Typed access to the TOML mapping that says which key of which file is wrong."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> PolicyError:
        return PolicyError(f"{self.source}: {where}: {message}")

    def table(self, data: Mapping[str, Any], key: str, prefix: str = "") -> Mapping[str, Any]:
        value = data.get(key)
        if not isinstance(value, Mapping):
            raise self.fail(prefix + key, "missing table")
        return value

    def array(self, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        value = data.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, Mapping) for v in value):
            raise self.fail(key, "needs at least one [[" + key + "]] table")
        return value

    def text(self, data: Mapping[str, Any], key: str, where: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}.{key}", "must be a non-empty string")
        return value

    def number(self, data: Mapping[str, Any], key: str, where: str, default: int | None = None) -> int:
        value = data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(f"{where}.{key}", "must be a whole number of working days (0 or more)")
        return value

    def flag(self, data: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{where}.{key}", "must be true or false")
        return value

    def named(self, data: Mapping[str, Any], where: str) -> dict[str, str]:
        return {k: self.text(data, k, where) for k in ("key", "name_zh", "name_en", "article")}

    def tier(self, data: Mapping[str, Any], where: str) -> Tier:
        days = self.number(data, "working_days", where)
        if days == 0:
            raise self.fail(f"{where}.working_days", "must be at least 1")
        extendable = self.flag(data, "extendable", where, False)
        return Tier(
            **self.named(data, where),
            working_days=days,
            owner=self.text(data, "owner", where),
            owner_zh=self.text(data, "owner_zh", where),
            owner_en=self.text(data, "owner_en", where),
            progress_updates=self.flag(data, "progress_updates", where, False),
            extendable=extendable,
            max_extensions=self.number(data, "max_extensions", where, 1 if extendable else 0),
            extension_working_days=self.number(data, "extension_working_days", where, days if extendable else 0),
        )

    def limit(self, limits: Mapping[str, Any], key: str) -> Limit:
        data = self.table(limits, key, "limits.")
        where = f"limits.{key}"
        return Limit(
            key=key,
            name_zh=self.text(data, "name_zh", where),
            name_en=self.text(data, "name_en", where),
            article=self.text(data, "article", where),
            working_days=self.number(data, "working_days", where),
        )
