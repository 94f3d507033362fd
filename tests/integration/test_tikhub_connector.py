"""The TikHub connector over real HTTP against the demo's TikHub-compatible endpoints."""

import logging
import time
from datetime import UTC, datetime

import pytest

from orchestration.config import CreatorSearch
from orchestration.formats.rows import CREATORS_DOMAIN
from orchestration.snapshots.manifest import SnapshotWriter, read_pages
from orchestration.sources.retry import RetryPolicy
from orchestration.sources.tikhub import TikHubAuthError, write_snapshot
from radar_demo.tikhub_pages import DEMO_API_KEY

DAY = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
FAST_RETRIES = RetryPolicy(max_attempts=4, max_total_seconds=10, backoff_base_seconds=0.01, backoff_max_seconds=0.05)


def search(server, **overrides) -> CreatorSearch:
    values = {"base_url": f"{server.url}/tikhub", "hashtags": ["skincare", "kopi"], "keywords": ["serum"],
              "rate_limit_per_second": 50, "pages_per_hashtag": 2, "videos_per_page": 20}
    return CreatorSearch(**(values | overrides))


LOG = logging.getLogger("test-tikhub")


def scrape(lake, creator_search, api_key=DEMO_API_KEY):
    writer = SnapshotWriter(lake, CREATORS_DOMAIN, "tikhub", "tikhub", "test", DAY, run_id=f"t{time.monotonic_ns()}")
    extras = write_snapshot(creator_search, writer, LOG, api_key, policy=FAST_RETRIES)
    return writer.finish(**extras)


def test_hashtags_keywords_and_profiles(market_server, lake):
    manifest = scrape(lake, search(market_server))
    roles = [request["role"] for request in manifest["requests"]]
    # Names resolve to challenge ids through the hashtag search first (the exact name, not "serumtok");
    # each target reads up to 2 pages; then one profile per author.
    assert roles.count("hashtag_lookup") == 2 and roles.count("hashtag_videos") == 4 and roles.count("keyword_search") == 2
    assert roles.count("profile") == manifest["authors"] > 0
    assert manifest["targets"]["keyword:serum"]["ads_skipped"] > 0
    assert manifest["coverage"] == 1.0 and manifest["profile_failures"] == {}
    cursors = [r["cursor"] for r in manifest["requests"] if r["role"] == "hashtag_videos" and r["target"] == "kopi"]
    assert cursors == [0, 20]


def test_a_list_that_ends_stops_paging(market_server, lake):
    manifest = scrape(lake, search(market_server, hashtags=["kopi"], keywords=[], pages_per_hashtag=50, videos_per_page=50))
    pages = [r for r in manifest["requests"] if r["role"] == "hashtag_videos"]
    assert 1 <= len(pages) < 50  # has_more went to 0
    assert pages[-1]["records"] <= 50


def test_rate_limits_are_retried(market_server, lake):
    market_server.faults.tikhub_rate_limit_burst = 2
    manifest = scrape(lake, search(market_server, keywords=[]))
    assert manifest["retries"] == 2 and manifest["coverage"] == 1.0


def test_a_failing_hashtag_is_recorded_and_the_others_go_on(market_server, lake):
    market_server.faults.tikhub_failing_hashtag = "kopi"
    manifest = scrape(lake, search(market_server))
    assert "TikHub error 400" in manifest["targets"]["hashtag:kopi"]["error"]
    assert manifest["targets"]["hashtag:skincare"]["error"] is None
    assert manifest["coverage"] == pytest.approx(2 / 3, abs=1e-3)


def test_a_cloudflare_block_is_recognized(market_server, lake):
    market_server.faults.tikhub_cloudflare = 1
    manifest = scrape(lake, search(market_server, hashtags=["kopi"], keywords=["serum"]))
    assert "Cloudflare edge block 1020" in manifest["targets"]["hashtag:kopi"]["error"]
    assert manifest["targets"]["keyword:serum"]["error"] is None


@pytest.mark.parametrize(("key", "fault", "message"), [
    ("sk-live-WRONG-KEY-1234567890", None, "the API key was rejected"),
    (DEMO_API_KEY, "tikhub_no_balance", "no balance left"),
])
def test_401_and_402_halt_the_run_and_never_show_the_key(market_server, lake, caplog, key, fault, message):
    if fault:
        setattr(market_server.faults, fault, True)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(TikHubAuthError, match=message) as error:
        scrape(lake, search(market_server), api_key=key)
    assert key not in str(error.value) and key not in caplog.text
    if not fault:
        assert "Invalid API key: [REDACTED]" in str(error.value)  # the body echoed it; we scrubbed it
    assert len([path for _, path, _ in market_server.request_log if path.startswith("/tikhub")]) == 1


def test_the_key_is_in_no_stored_byte_and_no_log_line(market_server, lake, caplog):
    caplog.set_level(logging.DEBUG)
    market_server.faults.tikhub_failing_hashtag = "kopi"
    manifest = scrape(lake, search(market_server))
    stored = b"".join(lake.get(key) for key in lake.list_keys("raw/"))
    pages = b"".join(body for _, body in read_pages(lake, manifest))
    assert DEMO_API_KEY.encode() not in stored + pages
    assert DEMO_API_KEY not in caplog.text and "Bearer" not in caplog.text


def test_a_hashtag_name_that_resolves_to_no_challenge_fails_that_hashtag_and_counts_in_coverage(market_server, lake):
    manifest = scrape(lake, search(market_server, hashtags=["kopi", "nosuchtag"]))
    error = manifest["targets"]["hashtag:nosuchtag"]["error"]
    assert "fetch_hashtag_search_result?keyword=nosuchtag lists no challenge named exactly 'nosuchtag'" in error
    assert "it listed nosuchtagtok" in error
    assert manifest["targets"]["hashtag:kopi"]["error"] is None
    assert manifest["coverage"] < 1.0

