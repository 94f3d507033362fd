"""What every section of the config file shares."""

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A config section: unknown keys are errors (a misspelt key must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def repeated(names: list[str]) -> list[str]:
    """The names that occur more than once, sorted (for "must be unique" messages)."""
    return sorted({name for name in names if names.count(name) > 1})
