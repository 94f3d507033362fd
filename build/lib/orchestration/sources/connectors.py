"""The registry of source kinds: a config ``kind`` -> its connector.

Adding a kind is a connector module (fetch and parse, see ``connector.py``), its config model in
``config.py``, and one line here.
"""

from __future__ import annotations

from orchestration.config import CreatorSearch, ProductSource
from orchestration.formats.rows import CreatorPage, ProductPage
from orchestration.sources import jsonld, shopify, tikhub
from orchestration.sources.browser import scraper
from orchestration.sources.connector import Connector

PRODUCT_CONNECTORS: dict[str, Connector[ProductSource, ProductPage]] = {
    connector.kind: connector for connector in (shopify.CONNECTOR, jsonld.CONNECTOR, scraper.CONNECTOR)
}
CREATOR_CONNECTOR: Connector[CreatorSearch, CreatorPage] = tikhub.CONNECTOR


def product_connector(kind: str) -> Connector[ProductSource, ProductPage]:
    try:
        return PRODUCT_CONNECTORS[kind]
    except KeyError:
        raise ValueError(f"no connector for product source kind {kind!r}; "
                         f"known kinds: {', '.join(sorted(PRODUCT_CONNECTORS))}") from None
