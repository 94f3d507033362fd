from datetime import UTC, datetime, timedelta, timezone

from psycopg.types.datetime import DatetimeDumper

from orchestration.warehouse.postgres import TIMESTAMP_CACHE_SIZE, RepeatedTimestamptzDumper


def test_repeated_timestamp_dumper_matches_psycopg_text():
    cached, plain = RepeatedTimestamptzDumper(datetime), DatetimeDumper(datetime)
    moments = [datetime(2026, 11, 20, 12, 5, 0, 250000, tzinfo=UTC),
               datetime(2026, 11, 20, 12, tzinfo=timezone(timedelta(hours=7))),
               datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC)]
    for moment in moments * 3:
        assert cached.dump(moment) == bytes(plain.dump(moment))
    first = cached.dump(moments[0])
    assert cached.dump(moments[0]) is first  # formatted once, then reused


def test_repeated_timestamp_dumper_cache_is_bounded():
    dumper = RepeatedTimestamptzDumper(datetime)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for second in range(TIMESTAMP_CACHE_SIZE + 10):
        dumper.dump(start + timedelta(seconds=second))
    assert len(dumper._formatted) <= TIMESTAMP_CACHE_SIZE
