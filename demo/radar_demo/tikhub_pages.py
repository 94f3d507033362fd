"""DEMO / TEST FIXTURE: TikHub API answers for the demo creator population, in the real envelopes.

Success: the envelope (``code``, ``request_id``, ``router``, ``params`` echoed as strings, ...)
around the platform's raw ``data``. Errors: ``{"detail": {...}}`` with ``code`` equal to the HTTP
status (a 401 echoes the submitted key, as the real API does), or a Cloudflare edge block.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, time

from radar_demo.creators import DemoCreator, DemoCreatorPopulation, DemoVideo

DEMO_API_KEY = "demo-tikhub-key-not-a-secret"
AD_EVERY = 7


def _request_id(router: str, params: dict) -> str:
    return hashlib.sha256(f"{router}{sorted(params.items())}".encode()).hexdigest()[:32]


def envelope(router: str, params: dict, data: dict, moment: datetime) -> bytes:
    return json.dumps({
        "code": 200, "request_id": _request_id(router, params), "message": "Request successful. This request will incur a charge.",
        "message_zh": "请求成功，本次请求将被计费。", "support": "Discord: https://discord.gg/demo (DEMO)",
        "time": moment.strftime("%Y-%m-%d %H:%M:%S"), "time_stamp": int(moment.timestamp()), "time_zone": "America/Los_Angeles",
        "docs": "https://api.tikhub.io/", "cache_message": "demo", "cache_url": "", "router": router,
        "params": {key: str(value) for key, value in params.items()}, "data": data,
    }, ensure_ascii=False).encode()


def error_body(status: int, message: str, router: str) -> bytes:
    return json.dumps({"detail": {"code": status, "message": message, "message_zh": message, "support": "demo",
                                  "time": "", "request_id": _request_id(router, {}), "router": router, "params": {}}}).encode()


def cloudflare_body() -> bytes:
    """An edge block in front of the API (RFC 9457 style): not TikHub's own error shape."""
    return json.dumps({"type": "https://developers.cloudflare.com/support/troubleshooting/http-status-codes/",
                       "title": "Error 1020: Access denied", "status": 403,
                       "detail": "This website is using a security service to protect itself from online attacks.",
                       "error_code": 1020, "ray_id": "8f0demo1020", "retryable": False, "retry_after": None}).encode()


def _author(creator: DemoCreator, day: date, in_list: bool) -> dict:
    """Author object; inside lists some counts are zeroed and the signature may be missing (FORMATS.md)."""
    author = {"uid": creator.uid, "sec_uid": creator.sec_uid, "unique_id": creator.handle, "nickname": creator.nickname,
              "follower_count": creator.followers(day), "following_count": creator.following,
              "total_favorited": 0 if in_list else creator.hearts(day), "aweme_count": 0 if in_list else creator.video_count(day),
              "avatar_thumb": {"url_list": [f"https://demo.invalid/avatar/{creator.uid}.jpeg"]}}
    if not in_list:
        author["signature"] = f"{creator.nickname} | demo creator, not a real account"
    return author


def aweme(creator: DemoCreator, video: DemoVideo, day: date) -> dict:
    views = video.views(day)
    extras = [{"type": 1, "hashtag_name": tag, "start": 0, "end": 0} for tag in video.hashtags]
    extras += [{"type": 0, "user_id": mention, "sec_uid": "", "start": 0, "end": 0} for mention in video.mentions]
    return {
        "aweme_id": video.aweme_id, "desc": video.caption,
        "create_time": int(datetime.combine(video.posted, time(12), UTC).timestamp()),
        "author": _author(creator, day, in_list=True),
        "statistics": {"aweme_id": video.aweme_id, "play_count": views, "digg_count": int(views * 0.08),
                       "comment_count": int(views * 0.004), "share_count": int(views * 0.002),
                       "collect_count": int(views * 0.01), "download_count": 0},
        "text_extra": extras,
    }


def hashtag_detail(population: DemoCreatorPopulation, name: str) -> dict:
    cid = str(1_600_000_000_000_000_000 + int(hashlib.sha256(name.encode()).hexdigest()[:8], 16))
    return {"ch_info": {"cid": cid, "cha_name": name, "user_count": 1000, "view_count": 10_000_000}, "status_code": 0}


def hashtag_search(keyword: str, names: tuple[str, ...]) -> dict:
    """Challenges matching a keyword, as TikTok's hashtag search lists them: the exact name first
    when it exists, then longer names containing it (``serum`` also finds ``serumtok``)."""
    keyword = keyword.lower().lstrip("#")
    found = [name for name in names if keyword and keyword in name] + ([f"{keyword}tok"] if keyword else [])
    rows = [{"challenge_info": hashtag_detail(None, name)["ch_info"]} for name in sorted(found, key=len)]
    return {"challenge_list": rows, "cursor": len(rows), "has_more": 0, "status_code": 0}


def hashtag_name_for(cid: str, names: tuple[str, ...]) -> str | None:
    return next((name for name in names if hashtag_detail(None, name)["ch_info"]["cid"] == cid), None)


def hashtag_videos(population: DemoCreatorPopulation, name: str, day: date, cursor: int, count: int) -> dict:
    found = population.videos_for(day, hashtag=name)
    page = found[cursor: cursor + count]
    return {"aweme_list": [aweme(c, v, day) for c, v in page], "cursor": cursor + len(page),
            "has_more": 1 if cursor + count < len(found) else 0, "status_code": 0}


def search_videos(population: DemoCreatorPopulation, keyword: str, day: date, offset: int, count: int) -> dict:
    found = population.videos_for(day, keyword=keyword)
    page = found[offset: offset + count]
    items = []
    for position, (creator, video) in enumerate(page):
        if position and position % AD_EVERY == 0:  # a promoted video, not a search result
            ad = aweme(creator, video, day) | {"aweme_id": str(int(video.aweme_id) + 1), "is_ads": True}
            items.append({"type": 1, "aweme_info": ad, "ad_info": {"creative_id": "demo"}})
        items.append({"type": 1, "aweme_info": aweme(creator, video, day)})
    return {"search_item_list": items, "aweme_list": [], "cursor": offset + len(page),
            "has_more": 1 if offset + count < len(found) else 0, "status_code": 0}


def app_profile(creator: DemoCreator, day: date) -> dict:
    return {"user": _author(creator, day, in_list=False), "status_code": 0}
