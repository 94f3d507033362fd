"""Is a parsed observation usable and its price believable? Pure rules; staging supplies the
product's last accepted price and the price it was held back at an hour earlier, and quarantines
whatever gets a reason here.

- A listing without a title cannot be identified by anyone reading the marts.
- A price in another currency than the source's (a storefront for another country answered, or
  a shop switched currency) would mix currencies in one product's price history.

- A price or compare-at price beyond what the warehouse column stores (numeric(18, 4)) would abort
  the whole hour's COPY, so it is held back like any other bad value.
- A price above its currency's ceiling is absurd for a listing (``1e12`` dollars).
- A price more than ``max_ratio`` times, or less than 1/``max_ratio`` of, the product's last
  accepted price is a parsing slip (a lost decimal point, cents read as units) until a second
  consecutive hour shows the same price (within ``CONFIRMATION_TOLERANCE``): then it is a genuine
  repricing and is accepted. The first hour of it stays held back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from orchestration.formats.rows import ProductObservation

STORAGE_LIMIT = Decimal("99999999999999.9999")  # the largest numeric(18, 4)
IMPLAUSIBLE = "implausible price"  # every reason given here starts with it
HOLD_LOCATOR_PREFIX = "product_key="
CONFIRMATION_TOLERANCE = Decimal("0.05")


def unusable_reason(observation: ProductObservation, accepted_currencies: Sequence[str]) -> str | None:
    if not observation.title:
        return "incomplete record: the title is empty, so no reader could tell which listing this is"
    if observation.currency_code not in accepted_currencies:
        return (f"currency changed: priced in {observation.currency_code}, but the source is configured in "
                f"{', '.join(accepted_currencies)}; held back so a product's price history never mixes currencies "
                "(if the shop really switched, change the source's currency, or list it in extra_currencies)")
    return None


@dataclass(frozen=True)
class PricePlausibility:
    max_ratio: Decimal
    ceilings: Mapping[str, Decimal]  # by currency code
    default_ceiling: Decimal

    def ceiling(self, currency: str) -> Decimal:
        return self.ceilings.get(currency, self.default_ceiling)

    def reason(self, observation: ProductObservation, last_price: Decimal | None,
               held_price: Decimal | None) -> str | None:
        """Why ``observation`` must be held back, or None when its prices are believable."""
        currency = observation.currency_code
        for name, value in (("price", observation.price), ("compare_at_price", observation.compare_at_price),
                            ("price_max", observation.price_max)):
            if value is not None and abs(value) > STORAGE_LIMIT:
                return f"{IMPLAUSIBLE}: {name} {value} {currency} is beyond what the warehouse stores ({STORAGE_LIMIT})"
        price = observation.price
        if price is None or price <= 0:
            return None  # a missing or negative price is the gate's to fail, not a repricing
        if price > self.ceiling(currency):
            return (f"{IMPLAUSIBLE}: {price} {currency} is above the {currency} ceiling {self.ceiling(currency)} "
                    "(product_gate.price_ceilings)")
        if last_price is None or last_price <= 0:
            return None
        ratio = price / last_price
        if 1 / self.max_ratio <= ratio <= self.max_ratio:
            return None
        if held_price is not None and abs(price / held_price - 1) <= CONFIRMATION_TOLERANCE:
            return None  # the same jump two hours in a row: a genuine repricing
        return (f"{IMPLAUSIBLE}: {price} {currency} is {_ratio(ratio)} the last accepted price {last_price} "
                f"(product_gate.max_price_ratio {self.max_ratio}); accepted if the next hour confirms it")


def _ratio(ratio: Decimal) -> str:
    return f"{ratio:.1f}x" if ratio >= 1 else f"1/{1 / ratio:.1f} of"


def hold_record(observation: ProductObservation, last_price: Decimal | None) -> tuple[str, str]:
    """The quarantine locator and record of a held-back observation; the next hour reads the price back."""
    record = {"product_key": observation.product_key, "price": str(observation.price),
              "compare_at_price": None if observation.compare_at_price is None else str(observation.compare_at_price),
              "currency_code": observation.currency_code, "last_accepted_price": None if last_price is None else str(last_price),
              "title": observation.title, "product_url": observation.product_url}
    return f"{HOLD_LOCATOR_PREFIX}{observation.product_key}", json.dumps(record, sort_keys=True)


def held_price(record: str) -> tuple[str, Decimal] | None:
    """(product key, price) of a held-back observation's quarantine record."""
    values = json.loads(record)
    try:
        return values["product_key"], Decimal(values["price"])
    except (KeyError, TypeError, ArithmeticError):
        return None
