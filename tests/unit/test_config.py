from pathlib import Path

import pytest

from orchestration.config import ConfigError, load_config
from radar_demo import DEMO_CONFIG_PATH

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "radar.yaml"
    path.write_text(text)
    return path


def test_example_and_demo_configs_are_valid():
    example = load_config(PROJECT_ROOT / "radar.example.yaml")
    assert [s.name for s in example.product_sources] == ["example-shop", "example-shop-serums", "example-jsonld-shop",
                                                         "example-marketplace"]
    assert example.brands["Verdant Skin"] == ["verdant"]
    assert example.bi.dbt_var() == {"role": "radar_bi", "tenants": [
        {"role": "client_example", "sources": ["example-shop"], "categories": []}]}
    assert example.product_sources[1].collection == "serums"
    demo = load_config(DEMO_CONFIG_PATH)
    assert {s.currency for s in demo.product_sources} == {"USD", "IDR", "EUR", "GBP"}
    assert {s.kind for s in demo.product_sources} == {"shopify", "jsonld", "browser"}


def test_defaults_and_normalization(tmp_path):
    config = load_config(write(tmp_path, """
product_sources:
  - {name: shop-a, kind: shopify, base_url: "https://a.example.com/", currency: usd}
"""))
    source = config.product_sources[0]
    assert source.base_url == "https://a.example.com"
    assert source.currency == "USD"
    assert source.rate_limit_per_second == 1.0
    assert source.max_pages == 100


SHOP = "product_sources:\n  - {name: a, kind: shopify, base_url: 'https://a.com', currency: USD}\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("product_sources:\n  - {name: a, kind: shopify, base_url: 'https://a.com'}\n",
         "product_sources[0].currency: required key is missing"),
        ("product_sources:\n  - {name: a, kind: woo, base_url: 'https://a.com', currency: USD}\n",
         "product_sources[0].kind: one of shopify, jsonld, browser"),
        ("product_sources:\n  - {name: a, kind: shopify, base_url: 'https://a.com', currency: ZZZ}\n",
         "product_sources[0].currency: an ISO 4217 currency code"),
        ("product_sources:\n  - {name: a, kind: shopify, base_url: 'shop.com', currency: USD}\n",
         "product_sources[0].base_url: an http(s) URL"),
        ("product_sources:\n  - {name: a, kind: shopify, base_url: 'https://a.com', currency: USD, max_pages: 0}\n",
         "product_sources[0].max_pages: Input should be greater than or equal to 1"),
        ("product_sources:\n  - {name: a, kind: shopify, base_url: 'https://a.com', currency: USD, rate: 2}\n",
         "product_sources[0].rate: unknown key"),
        ("product_sources:\n  - {name: a, kind: shopify, base_url: 'https://a.com', currency: USD}\n"
         "  - {name: a, kind: shopify, base_url: 'https://b.com', currency: USD}\n",
         "product source names must be unique; repeated: a"),
        (SHOP + "bi: {tenants: [{role: client_a}]}\n",
         "tenant client_a: give sources and/or categories"),
        (SHOP + "bi: {role: pg_monitor}\n", "bi.role: must be a PostgreSQL role name"),
        (SHOP + "bi: {role: Radar-BI}\n", "bi.role: must be a PostgreSQL role name"),
        (SHOP + "bi: {tenants: [{role: radar_bi, sources: [a]}]}\n", "bi roles must be unique; repeated: radar_bi"),
        (SHOP + "bi: {tenants: [{role: client_a, sources: [a, b]}]}\n", "bi tenant client_a: no product source named b"),
        ("- just\n- a list\n", "expected a mapping at the top level, got list"),
        ("product_sources: [\n", "not valid YAML"),
    ],
)
def test_invalid_config_names_file_key_and_expectation(tmp_path, body, expected):
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    message = str(raised.value)
    assert message.startswith(str(path))
    assert expected in message


def test_missing_file_explains_how_to_fix(tmp_path):
    with pytest.raises(ConfigError, match="RADAR_CONFIG"):
        load_config(tmp_path / "nope.yaml")


def test_config_path_comes_from_environment(tmp_path, monkeypatch):
    path = write(tmp_path, "product_sources: []\n")
    monkeypatch.setenv("RADAR_CONFIG", str(path))
    assert load_config().product_sources == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("product_sources:\n  - {name: j, kind: jsonld, currency: GBP}\n",
         "product_sources[0]: a jsonld source needs sitemap_url or urls"),
        ("product_sources:\n  - {name: j, kind: jsonld, currency: GBP, urls: ['ftp://x']}\n",
         "product_sources[0].urls[0]: an http(s) URL such as https://shop.example.com, whole, with no spaces (got 'ftp://x')"),
        ("product_sources:\n  - {name: j, kind: jsonld, currency: GBP, sitemap_url: 'https://a/s.xml', url_pattern: '(['}\n",
         "product_sources[0].url_pattern: a valid regular expression"),
        ("product_sources:\n  - {name: b, kind: browser, recipe: x, base_url: 'https://m.id', watchlist: []}\n",
         "product_sources[0].watchlist: List should have at least 1 item"),
        ("product_sources:\n  - {name: b, kind: browser, recipe: x, base_url: 'https://m.id', "
         "watchlist: [{keyword: serum, url: /c/serum}]}\n",
         "product_sources[0].watchlist[0]: each watchlist entry needs exactly one of keyword or url"),
        ("product_sources:\n  - {name: b, kind: browser, recipe: x, base_url: 'https://m.id', "
         "watchlist: [{keyword: serum}], max_items: 0}\n",
         "product_sources[0].max_items: Input should be greater than or equal to 1"),
    ],
)
def test_jsonld_and_browser_sources_are_validated(tmp_path, body, expected):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, body))
    assert expected in str(error.value)


def test_browser_watch_labels_and_proxy_from_the_environment(tmp_path, monkeypatch):
    config = load_config(write(tmp_path, """
product_sources:
  - name: toko
    kind: browser
    recipe: tokoloka-demo
    base_url: https://m.example.id/
    proxy_env: RADAR_TEST_PROXY_URL
    watchlist: [{keyword: serum}, {url: /c/kopi, category: Kopi}]
"""))
    (source,) = config.product_sources
    assert [watch.label for watch in source.watchlist] == ["serum", "Kopi"]
    assert source.base_url == "https://m.example.id" and source.currency == "IDR"
    monkeypatch.delenv("RADAR_TEST_PROXY_URL", raising=False)
    assert source.proxy_url is None  # an unset variable means no proxy
    monkeypatch.setenv("RADAR_TEST_PROXY_URL", "http://u:p@proxy:8080")
    assert source.proxy_url == "http://u:p@proxy:8080"


def test_check_config_loads_each_browser_recipe(tmp_path, capsys):
    from orchestration.cli import main
    from orchestration.formats.recipes import RECIPES_DIR

    path = write(tmp_path, """
product_sources:
  - {name: toko, kind: browser, recipe: no-such-site, base_url: "https://m.example.id", watchlist: [{keyword: serum}]}
""")
    assert main(["check-config", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no "ok:" line above the problem
    assert captured.err.splitlines() == [
        f"{path}: invalid config (1 problem(s))",
        f"  - product source toko: {RECIPES_DIR / 'no-such-site.yaml'}: recipe not found (bundled recipes: tokoloka-demo)",
    ]
    assert main(["check-config", str(PROJECT_ROOT / "radar.example.yaml")]) == 0
    assert "example-marketplace: browser https://marketplace.example.co.id" in capsys.readouterr().out


def test_partitions_start_from_the_environment_overrides_the_file(monkeypatch):
    """`radar demo` and `radar simulate` start partitions where their data starts."""
    from datetime import datetime

    from orchestration.config import load_config
    from radar_demo import DEMO_CONFIG_PATH

    assert load_config(DEMO_CONFIG_PATH).partitions_start == datetime(2026, 1, 1)
    monkeypatch.setenv("RADAR_PARTITIONS_START", "2026-11-08T00:00:00")
    assert load_config(DEMO_CONFIG_PATH).partitions_start == datetime(2026, 11, 8)


def test_clock_url_must_be_an_http_url():
    import pytest

    from orchestration.config import RadarConfig

    assert RadarConfig(clock_url="http://127.0.0.1:8765/_demo/clock").clock_url.endswith("/_demo/clock")
    with pytest.raises(ValueError, match="http"):
        RadarConfig(clock_url="127.0.0.1:8765/_demo/clock")


@pytest.mark.parametrize("url", ["https://shop example.com", "https:// shop.example.com", "https://shop.example.com/a b",
                                 "https://shop.example.com\n", "shop.example.com", "ftp://shop.example.com",
                                 "https://", "https://shop_example!.com"])
def test_urls_are_validated_whole(tmp_path, url):
    body = f"product_sources:\n  - {{name: a, kind: shopify, base_url: {url!r}, currency: USD}}\n"
    with pytest.raises(ConfigError, match=r"product_sources\[0\]\.base_url: an http\(s\) URL"):
        load_config(write(tmp_path, body))


@pytest.mark.parametrize("url", ["https://shop.example.com", "http://127.0.0.1:8765/shops/glow-lab",
                                 "https://user:pw@shop.example.com:8443/", "http://[::1]:8080", "https://a/s.xml"])
def test_well_formed_urls_are_accepted(tmp_path, url):
    body = f"product_sources:\n  - {{name: a, kind: shopify, base_url: {url!r}, currency: USD}}\n"
    assert load_config(write(tmp_path, body)).product_sources[0].base_url == url.rstrip("/")


def test_a_missing_recipe_fails_the_code_location_at_load(tmp_path):
    from orchestration.definitions import build_definitions

    config = load_config(write(tmp_path, """
product_sources:
  - {name: toko, kind: browser, recipe: no-such-site, base_url: "https://m.example.id", watchlist: [{keyword: serum}]}
"""))
    with pytest.raises(ConfigError, match=r"^product source toko: .*no-such-site.yaml: recipe not found"):
        build_definitions(config, resources={})


def test_check_config_lists_alert_rules_and_whether_channel_variables_are_set_never_their_values(
        monkeypatch, capsys):
    from orchestration.cli import main

    monkeypatch.setenv("RADAR_SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T1/B2/very-secret")
    monkeypatch.delenv("RADAR_WHATSAPP_TOKEN", raising=False)
    assert main(["check-config", str(PROJECT_ROOT / "radar.example.yaml")]) == 0
    out = capsys.readouterr().out
    assert "  alerts: 8 rule(s), events from the last 2 h only, dead-lettered after 5 failed POSTs" in out
    assert "    - serum-under-20: price_below on watchlist hero-serums -> buyer-phone" in out
    assert "    channel team-slack: slack, $RADAR_SLACK_WEBHOOK_URL (set)" in out
    assert "    channel buyer-phone: whatsapp, $RADAR_WHATSAPP_TOKEN (NOT set)" in out
    assert "very-secret" not in out and "hooks.slack.com" not in out
