"""Every source kind has a registered connector that implements the one interface."""

import inspect
import typing

import pytest

from orchestration.config import ProductSource
from orchestration.sources.connector import Connector
from orchestration.sources.connectors import CREATOR_CONNECTOR, PRODUCT_CONNECTORS, product_connector


def configurable_kinds() -> set[str]:
    source_models = typing.get_args(typing.get_args(ProductSource)[0])
    return {typing.get_args(model.model_fields["kind"].annotation)[0] for model in source_models}


def test_every_configurable_product_kind_has_a_connector_under_its_own_name():
    assert set(PRODUCT_CONNECTORS) == configurable_kinds() == {"shopify", "jsonld", "browser"}
    assert all(connector.kind == kind for kind, connector in PRODUCT_CONNECTORS.items())


@pytest.mark.parametrize("connector", [*PRODUCT_CONNECTORS.values(), CREATOR_CONNECTOR], ids=lambda c: c.kind)
def test_each_connector_implements_the_interface(connector):
    assert connector.version and connector.describes
    assert connector.permanent_errors and all(issubclass(error, Exception) for error in connector.permanent_errors)
    for method in ("check", "fetch", "parse"):
        expected = list(inspect.signature(getattr(Connector, method)).parameters)[1:]
        assert list(inspect.signature(getattr(connector, method)).parameters) == expected, method


def test_an_unknown_kind_names_the_known_ones():
    with pytest.raises(ValueError, match="no connector for product source kind 'woocommerce'; known kinds: browser, jsonld, shopify"):
        product_connector("woocommerce")
