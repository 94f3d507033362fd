"""A daily creator partition through Dagster: TikHub snapshot, staging, the GX gates; the key never leaks."""

from datetime import UTC, datetime

import dagster as dg
import psycopg
from dagster._serdes import serialize_value

from orchestration.config import CreatorSearch, RadarConfig
from radar_demo.tikhub_pages import DEMO_API_KEY
from tests.support import build_test_definitions, demo_brands, range_tags


def today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


def creators_config(server, **overrides) -> RadarConfig:
    values = {"base_url": f"{server.url}/tikhub", "hashtags": ["skincare", "serum", "kopi", "glowup"],
              "keywords": ["serum", "kopi susu"], "pages_per_hashtag": 2, "rate_limit_per_second": 50}
    return RadarConfig(creators=CreatorSearch(**(values | overrides)), brands=demo_brands())


def run_day(defs, instance, job="daily_creators_job"):
    return defs.resolve_job_def(job).execute_in_process(instance=instance, partition_key=today(), raise_on_error=False)


def every_event_text(instance) -> str:
    """Every event of every run, serialized: log lines, metadata, failures, check results."""
    return "\n".join(serialize_value(record) for run in instance.get_runs() for record in instance.all_logs(run.run_id))


def test_a_day_is_snapshotted_staged_gated_and_finds_the_demo_comets(market_server, database_url, lake, demo_market):
    defs = build_test_definitions(creators_config(market_server), database_url, lake)
    instance = dg.DagsterInstance.ephemeral()
    result = run_day(defs, instance)
    assert result.success
    (snapshot,) = result.asset_materializations_for_node("creator_search_snapshot")
    assert snapshot.metadata["coverage"].value == 1.0 and snapshot.metadata["authors"].value > 20
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert {name for name in checks if name.startswith("gx_")} == {"gx_staged_creators", "gx_staged_videos",
                                                                    "gx_creator_search_coverage"}
    assert all(checks.values()) and len(checks) > 20  # the GX gates and every dbt test of the creator models
    with psycopg.connect(database_url) as connection:
        creators, distinct_creators = connection.execute(
            "select count(*), count(distinct user_id) from landing.creator_observations").fetchone()
        videos, multi_target = connection.execute(
            "select count(*), count(*) filter (where cardinality(found_by) > 1) from landing.video_observations").fetchone()
        zero_followers = connection.execute("select count(*) from landing.creator_observations where followers = 0").fetchone()
    assert creators == distinct_creators == snapshot.metadata["authors"].value
    assert videos > 50 and multi_target > 0  # one row per video even when two hashtags found it
    assert zero_followers == (0,)  # counts come from profiles, not the zeroed list authors

    # The comet mart finds exactly the demo's comets for the day, with their best qualifying video.
    config = creators_config(market_server).creators
    truth = demo_market.creators.comets_on(datetime.now(UTC).date(), config.comet,
                                           hashtags=tuple(h.name for h in config.hashtags), keywords=tuple(config.keywords),
                                           per_target=config.pages_per_hashtag * config.videos_per_page)
    with psycopg.connect(database_url) as connection:
        found = dict(connection.execute(
            "select handle, qualifying_video_id from marts.mart_comet_creators where comet_day = %s", [today()]).fetchall())
        mentions = connection.execute(
            "select count(*), count(distinct brand) from marts.mart_creator_brand_mentions").fetchone()
    assert truth and found == truth
    assert mentions[0] > 0 and mentions[1] > 1

    # Replaying the day from the archive gives the same rows.
    def rows():
        with psycopg.connect(database_url) as connection:
            return connection.execute("select user_id, followers, hearts from landing.creator_observations order by 1").fetchall()

    before = rows()
    replay = defs.resolve_job_def("restage_creators_job").execute_in_process(
        instance=instance, tags=range_tags(today(), today()), raise_on_error=False)
    assert replay.success and rows() == before
    events = every_event_text(instance)
    assert "manifest_key" in events and "gx_staged_videos" in events  # the scan sees metadata and checks
    assert DEMO_API_KEY not in events


def test_low_coverage_fails_the_gate(market_server, database_url, lake):
    market_server.faults.tikhub_failing_hashtag = "kopi"
    defs = build_test_definitions(creators_config(market_server, hashtags=["kopi"], keywords=["serum"], min_coverage=0.9),
                                  database_url, lake)
    result = run_day(defs, dg.DagsterInstance.ephemeral())
    assert not result.success
    (coverage,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "gx_creator_search_coverage"]
    assert not coverage.passed
    assert "expect_column_values_to_be_between on coverage: 1 unexpected, e.g. [0.5]" in coverage.description
    (snapshot,) = result.asset_materializations_for_node("creator_search_snapshot")
    assert "TikHub error 400" in snapshot.metadata["failed_targets"].value["hashtag:kopi"]
    # Write-audit-publish: the day's rows wait in landing_pending with the verdict; nothing is published.
    assert result.asset_materializations_for_node("publish_creators") == []
    with psycopg.connect(database_url) as connection:
        published = [connection.execute(f"select count(*) from landing.{table}").fetchone()[0]
                     for table in ("creator_observations", "video_observations", "creator_search_targets")]
        pending = connection.execute("select count(*) from landing_pending.video_observations").fetchone()[0]
        verdict = connection.execute("select passed, result from landing_pending.audits "
                                     "where gate = 'creator_search_coverage'").fetchone()
    assert published == [0, 0, 0] and pending > 0
    assert verdict[0] is False and "expect_column_values_to_be_between on coverage" in verdict[1]


def test_a_rejected_key_halts_without_retry_and_is_never_recorded(market_server, database_url, lake):
    wrong_key = "sk-live-0123456789-not-the-demo-key"
    defs = build_test_definitions(creators_config(market_server), database_url, lake, tikhub_api_key=wrong_key)
    instance = dg.DagsterInstance.ephemeral()
    result = run_day(defs, instance)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "the API key was rejected" in failure.step_failure_data.error.message
    assert not [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    events = every_event_text(instance)
    assert "Invalid API key: [REDACTED]" in events  # the echoed key was scrubbed, not dropped unseen
    assert wrong_key not in events
    assert not [key for key in lake.list_keys("raw/") if key.endswith("manifest.json")]


def test_unreadable_videos_are_quarantined_and_the_day_goes_on(market_server, database_url, lake):
    market_server.faults.tikhub_corrupt_videos = 1
    defs = build_test_definitions(creators_config(market_server, hashtags=["kopi"], keywords=[], pages_per_hashtag=2),
                                  database_url, lake)
    result = run_day(defs, dg.DagsterInstance.ephemeral())
    assert result.success
    with psycopg.connect(database_url) as connection:
        reasons = connection.execute(
            "select record_locator, reason from landing.quarantine where domain = 'creators'").fetchall()
    assert reasons == [("hashtag_videos:kopi", "aweme_id None is not a numeric id")] * 2  # one per page
