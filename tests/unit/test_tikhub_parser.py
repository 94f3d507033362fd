"""TikHub envelopes, videos and profiles (pure), and key redaction."""

import json
from datetime import UTC, datetime

import pytest

from orchestration.formats.tikhub import (
    TikHubFormatError,
    app_profile,
    challenge_id_for,
    count,
    envelope_data,
    hashtag_video_page,
    search_video_page,
    video_from_aweme,
    web_profile,
)
from orchestration.sources.tikhub import describe_error, redact

AWEME = {
    "aweme_id": "7312345678901234567", "desc": "Review Lumiere serum #skincare #Serum @lumiere.official",
    "create_time": 1795000000,
    "author": {"uid": "6801234567890123456", "sec_uid": "MS4wLjABAAAAabc", "unique_id": "glow.id", "aweme_count": 0},
    "statistics": {"play_count": 3_000_000_000, "digg_count": 120, "comment_count": 4, "share_count": 1, "collect_count": 9},
    "text_extra": [{"type": 1, "hashtag_name": "skincare"}, {"type": 1, "hashtag_name": "Serum"},
                   {"type": 0, "user_id": "6809999", "sec_uid": "MS4wX"}, {"type": 1, "hashtag_name": "skincare"}],
}


def env(data, code=200):
    return json.dumps({"code": code, "request_id": "r", "router": "/x", "params": {"count": "20"}, "data": data}).encode()


def test_a_video_reads_ids_stats_beyond_2_31_hashtags_and_mentions():
    video = video_from_aweme(AWEME)
    assert video.play_count == 3_000_000_000  # counts can pass 2^31
    assert video.hashtags == ("skincare", "serum") and video.mentions == ("6809999",)
    assert video.created_at == datetime.fromtimestamp(1795000000, UTC)
    assert (video.author_uid, video.author_sec_uid, video.author_handle) == ("6801234567890123456", "MS4wLjABAAAAabc", "glow.id")


@pytest.mark.parametrize("bad", [None, [], {"aweme_id": None}, {"aweme_id": "abc"}, {"aweme_id": True}])
def test_unreadable_videos_say_why(bad):
    with pytest.raises(ValueError):
        video_from_aweme(bad)


def test_hashtag_pages_and_their_end():
    page = hashtag_video_page(envelope_data(env({"aweme_list": [AWEME, {"aweme_id": "x"}], "cursor": 20, "has_more": 1})))
    assert len(page.videos) == 1 and len(page.rejected) == 1 and page.has_more and page.next_cursor == 20
    last = hashtag_video_page(envelope_data(env({"aweme_list": [], "cursor": 40, "has_more": 0})))
    assert last.videos == [] and not last.has_more


def test_search_results_live_in_search_item_list_and_ads_are_skipped():
    data = {"aweme_list": [], "has_more": 1, "cursor": 10, "search_item_list": [
        {"type": 1, "aweme_info": AWEME},
        {"type": 1, "aweme_info": AWEME | {"aweme_id": "7312345678901234999", "is_ads": True}, "ad_info": {}},
    ]}
    page = search_video_page(envelope_data(env(data)))
    assert [v.aweme_id for v in page.videos] == ["7312345678901234567"] and page.ads_skipped == 1


@pytest.mark.parametrize("body", [b"<html>", json.dumps({"detail": {"code": 400}}).encode(), env({}, code=400), env([])])
def test_non_envelopes_are_format_errors(body):
    with pytest.raises(TikHubFormatError):
        envelope_data(body)


def test_app_profile_and_web_profile_prefer_exact_stats():
    app = app_profile({"user": {"uid": 6801, "sec_uid": "S", "unique_id": "h", "follower_count": 12345, "following_count": 10,
                                "total_favorited": 999, "aweme_count": 42, "signature": "hi",
                                "avatar_thumb": {"url_list": ["https://a/1.jpeg"]}}})
    assert (app.user_id, app.followers, app.hearts, app.videos, app.avatar_url) == ("6801", 12345, 999, 42, "https://a/1.jpeg")
    web = web_profile({"userInfo": {"user": {"id": "6801", "uniqueId": "h", "secUid": "S"},
                                    "stats": {"followerCount": 12300, "heartCount": 1000, "videoCount": 42},
                                    "statsV2": {"followerCount": "12345", "heartCount": "999", "videoCount": "42"}}})
    assert (web.followers, web.hearts, web.videos) == (12345, 999, 42)
    rounded_only = web_profile({"userInfo": {"user": {"id": "6801"}, "stats": {"followerCount": 12300}}})
    assert rounded_only.followers == 12300


@pytest.mark.parametrize(("value", "expected"), [(5, 5), ("12345", 12345), (-1, None), (True, None), ("1.2K", None), (None, None)])
def test_counts(value, expected):
    assert count(value) == expected


def test_redaction_and_error_descriptions():
    key = "sk-SECRET-123"
    body = json.dumps({"detail": {"code": 401, "message": f"Invalid API key: {key}", "request_id": "abc"}}).encode()
    text = describe_error(401, body, key)
    assert key not in text and text == "TikHub error 401: Invalid API key: [REDACTED] (request abc)"
    assert redact(f"Authorization: Bearer {key}, next", None) == "Authorization: Bearer [REDACTED], next"
    cloudflare = json.dumps({"type": "t", "title": "Error 1015", "status": 429, "detail": "slow down", "error_code": 1015,
                             "ray_id": "r1", "retryable": True, "retry_after": 5}).encode()
    assert describe_error(429, cloudflare, key).startswith("Cloudflare edge block 1015 (HTTP 429): Error 1015; slow down")
    assert describe_error(500, b"oops " + key.encode(), key) == "HTTP 500: oops [REDACTED]"


def test_a_hashtag_name_resolves_to_the_challenge_named_exactly_so():
    data = {"challenge_list": [
        {"challenge_info": {"cid": "111", "cha_name": "serumtok"}},
        {"challenge_info": {"cid": "222", "cha_name": "Serum"}},
        {"not_a_challenge": True}, "junk"]}
    assert challenge_id_for(data, "serum") == ("222", ["serumtok", "Serum"])
    assert challenge_id_for(data, "#serum")[0] == "222"
    assert challenge_id_for(data, "glow") == (None, ["serumtok", "Serum"])
    assert challenge_id_for({"challenge_list": None}, "serum") == (None, [])
