"""robots.txt per RFC 9309, as the pure rules an answer gives."""

import pytest

from orchestration.sources.robots import rules_from_response

ROBOTS = b"""
User-agent: *
Disallow: /checkout
Disallow: /*?sort_by=
Allow: /collections/sale/products.json
Disallow: /collections/
Crawl-delay: 2

User-agent: CommerceRadar
Disallow: /private/
Allow: /private/catalogue.json
Crawl-delay: 5

User-agent: BadBot
Disallow: /
"""


@pytest.mark.parametrize(("path", "allowed"), [
    ("/products.json?limit=250&page=1", True),
    ("/private/notes", False),
    ("/private/catalogue.json", True),  # the longest match wins
    ("/checkout", True),  # our own group replaces the * group
    ("/", True),
])
def test_our_group_applies_with_the_longest_match(path, allowed):
    rules = rules_from_response("shop.example", 200, ROBOTS)
    assert rules.allows(f"https://shop.example{path}") is allowed
    assert rules.crawl_delay == 5


@pytest.mark.parametrize(("path", "allowed"), [
    ("/products.json", True), ("/checkout", False), ("/collections/serums/products.json", False),
    ("/collections/sale/products.json", True), ("/products.json?sort_by=price", False),
])
def test_the_star_group_when_none_names_us(path, allowed):
    star_only = ROBOTS.split(b"User-agent: CommerceRadar")[0]
    rules = rules_from_response("shop.example", 200, star_only)
    assert rules.allows(f"https://shop.example{path}") is allowed
    assert rules.crawl_delay == 2


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (410, True), (401, True), (403, True),
                                                 (500, False), (503, False)])
def test_a_missing_robots_txt_allows_all_and_an_unavailable_one_allows_nothing(status, allowed):
    rules = rules_from_response("shop.example", status, b"<html>error</html>")
    assert rules.allows("https://shop.example/products.json") is allowed
    assert rules.crawl_delay is None
    assert f"HTTP {status}" in rules.status


def test_an_empty_robots_txt_allows_all():
    assert rules_from_response("shop.example", 200, b"").allows("https://shop.example/anything")
