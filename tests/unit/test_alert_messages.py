"""Alert config validation, dedupe keys and each channel's request body."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from orchestration.alerts.delivery import ChannelNotConfigured, channel_request
from orchestration.alerts.messages import AlertMessage, dedupe_key, slack_body, webhook_body, whatsapp_body
from orchestration.config import RadarConfig
from orchestration.config.alerts import AlertChannel, Alerts
from orchestration.sources.http import redact

FLASH = AlertMessage(rule="serum-flash", kind="flash_sale_started", subject_key="p1",
                     event_at=datetime(2026, 11, 20, 14, tzinfo=UTC), title="Glow Serum <30 ml> & co",
                     source="glow-lab", url="https://glow.example/products/serum", currency="USD",
                     price=Decimal("24.00"), previous_price=Decimal("32.00"), details={"depth_pct": "25.0"})
WHATSAPP = AlertChannel(name="ops-phone", kind="whatsapp", token_env="WA_TOKEN", phone_number_id="1234567",
                        recipient="6281234567890", template="price_alert", language="id")


def test_the_dedupe_key_depends_on_rule_subject_and_event_start_only():
    assert FLASH.key == dedupe_key("serum-flash", "p1", datetime(2026, 11, 20, 14, tzinfo=UTC))
    assert FLASH.key == AlertMessage.from_json(FLASH.to_json()).key
    assert dedupe_key("serum-flash", "p1", "2026-11-20T15:00:00+00:00") != FLASH.key
    assert dedupe_key("other-rule", "p1", "2026-11-20T14:00:00+00:00") != FLASH.key


def test_a_message_round_trips_through_json_and_states_the_change():
    assert AlertMessage.from_json(FLASH.to_json()) == FLASH
    assert FLASH.change_pct == Decimal("-25.0")
    assert FLASH.price_text() == "USD 24.00 (was 32.00, -25.0%)"
    assert webhook_body(FLASH)["alert_id"] == FLASH.key and webhook_body(FLASH)["change_pct"] == "-25.0"


def test_slack_gets_a_header_a_linked_escaped_title_with_the_price_and_the_source():
    body = slack_body(FLASH)
    assert body["text"] == "Flash sale started: Glow Serum <30 ml> & co · USD 24.00 (was 32.00, -25.0%) · on glow-lab"
    header, section, context = body["blocks"]
    assert header == {"type": "header", "text": {"type": "plain_text", "text": "Flash sale started"}}
    assert section["text"]["text"].startswith(
        "*<https://glow.example/products/serum|Glow Serum &lt;30 ml&gt; &amp; co>*\nUSD 24.00 (was 32.00, -25.0%)")
    assert "depth pct: 25.0" in section["text"]["text"]
    assert context["elements"][0]["text"] == "source *glow-lab* · rule `serum-flash` · 2026-11-20 14:00 UTC"


def test_whatsapp_gets_an_approved_template_with_four_single_line_parameters():
    body = whatsapp_body(FLASH.__class__(**{**FLASH.__dict__, "title": "Glow\nSerum"}), WHATSAPP)
    assert body["messaging_product"] == "whatsapp" and body["to"] == "6281234567890" and body["type"] == "template"
    assert body["template"]["name"] == "price_alert" and body["template"]["language"] == {"code": "id"}
    parameters = body["template"]["components"][0]["parameters"]
    assert [parameter["text"] for parameter in parameters] == [
        "Flash sale started", "Glow Serum", "USD 24.00 (was 32.00, -25.0%)", "https://glow.example/products/serum"]


def test_channel_requests_read_url_and_token_from_the_named_variables():
    slack = AlertChannel(name="team", kind="slack", url_env="SLACK_URL")
    assert channel_request(slack, {"SLACK_URL": "https://hooks.example/T1/B2/secret"}).url == "https://hooks.example/T1/B2/secret"
    with pytest.raises(ChannelNotConfigured, match="channel team: environment variable SLACK_URL"):
        channel_request(slack, {})
    request = channel_request(WHATSAPP, {"WA_TOKEN": "tok"})
    assert request.url == "https://graph.facebook.com/v21.0/1234567/messages"
    assert request.headers == {"Authorization": "Bearer tok"}


def test_errors_never_carry_the_webhook_path_or_query():
    url = "https://hooks.example/services/T1/B2/s3cret?token=abc"
    assert redact(f"ConnectError for {url}", url) == "ConnectError for <redacted>"
    assert "s3cret" not in redact("POST /services/T1/B2/s3cret?token=abc refused", url)


def config_with(rules, channels=None, **alerts) -> dict:
    channels = channels if channels is not None else [{"name": "team", "kind": "slack", "url_env": "SLACK_URL"}]
    return {"product_sources": [{"name": "glow-lab", "kind": "shopify", "base_url": "https://glow.example",
                                 "currency": "USD"}],
            "alerts": {"channels": channels, "rules": rules, **alerts}}


@pytest.mark.parametrize(("rules", "channels", "message"), [
    ([{"name": "a", "kind": "price_below", "channel": "team"}], None, "price_below rule needs target_price"),
    ([{"name": "a", "kind": "price_drop", "channel": "team"}], None, "price_drop rule needs min_drop_pct"),
    ([{"name": "a", "kind": "back_in_stock", "channel": "nobody"}], None, "no channel named 'nobody'"),
    ([{"name": "a", "kind": "back_in_stock", "channel": "team", "scope": {"watchlist": "w"}}], None,
     "no watchlist named 'w'"),
    ([{"name": "a", "kind": "back_in_stock", "channel": "team", "scope": {"source": "nowhere"}}], None,
     "no product source named 'nowhere'"),
    ([{"name": "a", "kind": "new_comet", "channel": "team"}], None, "new_comet needs the creators section"),
    ([{"name": "a", "kind": "source_unhealthy", "channel": "team", "scope": {"brand": "x"}}], None,
     "watches no listings"),
    ([], [{"name": "team", "kind": "slack", "url_env": "https://hooks.slack.com/x"}], "NAME of an environment variable"),
    ([], [{"name": "team", "kind": "slack"}], "needs url_env"),
    ([], [{"name": "p", "kind": "whatsapp", "token_env": "T", "phone_number_id": "1", "template": "t"}],
     "needs recipient"),
])
def test_invalid_alert_config_is_refused_with_the_reason(rules, channels, message):
    with pytest.raises(ValidationError, match=message):
        RadarConfig.model_validate(config_with(rules, channels))


def test_a_valid_alert_config_loads_with_defaults():
    config = RadarConfig.model_validate(config_with(
        [{"name": "serum-drop", "kind": "price_drop", "channel": "team", "min_drop_pct": 15, "against": "median_7d",
          "scope": {"source": "glow-lab", "watchlist": "serums"}}],
        watchlists={"serums": ["https://glow.example/products/serum"]}))
    assert config.alerts.freshness_hours == 2 and config.alerts.max_attempts == 5
    assert Alerts().rules == [] and config.alerts.channel("team").kind == "slack"
