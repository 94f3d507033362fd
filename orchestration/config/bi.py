"""The ``bi`` section: who may read the marts.

BI tools read the marts as ``role``, a read-only PostgreSQL role with SELECT on the marts and
nothing else. An agency sharing one warehouse with several clients adds ``tenants``: each is
another role that sees only the rows of its sources and/or categories, enforced by row-level
security on the marts (dbt applies it with every build: ``dbt_project/macros/bi_access.sql``).

Passwords never live here: a role is created without one, and an administrator (or the compose
file's init script) sets it.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from orchestration.config.base import StrictModel, repeated

_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
RESERVED_ROLES = frozenset({"postgres", "public", "pg_read_all_data", "pg_write_all_data"})


def _check_role(value: str) -> str:
    if not _ROLE.match(value) or value in RESERVED_ROLES or value.startswith("pg_"):
        raise ValueError("must be a PostgreSQL role name of lowercase letters, digits and '_' (at most 63), "
                         "not a built-in role")
    return value


class BiTenant(StrictModel):
    """A role that sees only some of the market: rows of ``sources`` and/or ``categories``.

    Both given: a row must match both. Marts with neither a source nor a category (the creator
    marts) are not granted to tenants at all.
    """

    role: str
    sources: list[str] = Field(default_factory=list, description="Product source names this role may see.")
    categories: list[str] = Field(default_factory=list, description="Product categories this role may see.")

    @field_validator("role")
    @classmethod
    def _role_name(cls, value: str) -> str:
        return _check_role(value)

    def describe(self) -> str:
        parts = [f"{name} {', '.join(values)}" for name, values in (("sources", self.sources),
                                                                     ("categories", self.categories)) if values]
        return " and ".join(parts)

    @model_validator(mode="after")
    def _scoped(self) -> BiTenant:
        if not self.sources and not self.categories:
            raise ValueError(f"tenant {self.role}: give sources and/or categories (an unscoped reader is `bi.role`)")
        return self


class BiAccess(StrictModel):
    role: str = Field(default="radar_bi", description="The read-only role BI tools connect as.")
    tenants: list[BiTenant] = Field(default_factory=list, description="Extra roles scoped to sources or categories.")

    @field_validator("role")
    @classmethod
    def _role_name(cls, value: str) -> str:
        return _check_role(value)

    @model_validator(mode="after")
    def _roles_unique(self) -> BiAccess:
        roles = [self.role, *(tenant.role for tenant in self.tenants)]
        if repeated(roles):
            raise ValueError(f"bi roles must be unique; repeated: {', '.join(repeated(roles))}")
        return self

    def dbt_var(self) -> dict:
        """The section as the ``bi_access`` dbt var the access macros read."""
        return {"role": self.role, "tenants": [tenant.model_dump() for tenant in self.tenants]}
