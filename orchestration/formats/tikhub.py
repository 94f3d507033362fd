"""TikHub API responses (TikTok app v3 / web shapes) -> videos and creator profiles. Pure, no I/O.

Shapes follow FORMATS.md: a success envelope whose ``data`` is the platform's raw response;
hashtag video lists page by ``cursor`` with ``has_more`` 1/0; keyword search puts results in
``search_item_list[].aweme_info`` (``aweme_list`` is present but empty) and mixes in ads; author
counts inside lists are partly zeroed, so creator stats come from profile calls; the web profile's
``stats`` are rounded and ``statsV2`` exact strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson


class TikHubFormatError(ValueError):
    """A response is not the TikHub shape the connector reads."""


@dataclass(frozen=True)
class VideoRecord:
    aweme_id: str
    author_uid: str | None
    author_sec_uid: str | None
    author_handle: str | None
    caption: str
    hashtags: tuple[str, ...]
    mentions: tuple[str, ...]
    created_at: datetime | None
    play_count: int | None
    digg_count: int | None
    comment_count: int | None
    share_count: int | None
    collect_count: int | None


@dataclass(frozen=True)
class CreatorProfile:
    user_id: str
    sec_uid: str | None
    handle: str | None
    nickname: str | None
    followers: int | None
    following: int | None
    hearts: int | None
    videos: int | None
    signature: str | None
    avatar_url: str | None


@dataclass(frozen=True)
class VideoPage:
    videos: list[VideoRecord]
    rejected: list[tuple[Any, str]]  # (record, reason)
    ads_skipped: int
    has_more: bool
    next_cursor: int | None


def envelope_data(body: bytes) -> dict[str, Any]:
    """``data`` of a success envelope; TikHubFormatError when the body is not one."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise TikHubFormatError(f"response is not JSON ({error})") from None
    if not isinstance(payload, dict) or "data" not in payload:
        raise TikHubFormatError("response has no 'data' (not a TikHub success envelope)")
    if payload.get("code") not in (200, "200"):
        raise TikHubFormatError(f"envelope code is {payload.get('code')!r}, expected 200")
    data = payload["data"]
    if not isinstance(data, dict):
        raise TikHubFormatError(f"'data' is a {type(data).__name__}, expected an object")
    return data


def count(value: Any) -> int | None:
    """A non-negative count from an int or a digit string (statsV2 sends strings); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _text(value: Any) -> str | None:
    """Ids and handles: strings stripped, integers as digits, anything else None."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _truthy_flag(value: Any) -> bool:
    return value in (True, 1, "1", "true")


def video_from_aweme(aweme: Any) -> VideoRecord:
    """One video; ValueError with the reason when it cannot be read."""
    if not isinstance(aweme, dict):
        raise ValueError(f"aweme is a {type(aweme).__name__}, expected an object")
    aweme_id = _text(aweme.get("aweme_id"))
    if not aweme_id or not aweme_id.isdigit():
        raise ValueError(f"aweme_id {aweme.get('aweme_id')!r} is not a numeric id")
    author = aweme.get("author") if isinstance(aweme.get("author"), dict) else {}
    stats = aweme.get("statistics") if isinstance(aweme.get("statistics"), dict) else {}
    hashtags, mentions = [], []
    for extra in aweme.get("text_extra") or []:
        if not isinstance(extra, dict):
            continue
        if extra.get("type") == 1 and _text(extra.get("hashtag_name")):
            hashtags.append(extra["hashtag_name"].strip().lower())
        elif extra.get("type") == 0 and (_text(extra.get("user_id")) or _text(extra.get("sec_uid"))):
            mentions.append(_text(extra.get("user_id")) or _text(extra.get("sec_uid")))
    created = aweme.get("create_time")
    created_at = datetime.fromtimestamp(created, UTC) if isinstance(created, int) and created > 0 else None
    return VideoRecord(
        aweme_id=aweme_id,
        author_uid=_text(author.get("uid")),
        author_sec_uid=_text(author.get("sec_uid")),
        author_handle=_text(author.get("unique_id")),
        caption=aweme.get("desc") if isinstance(aweme.get("desc"), str) else "",
        hashtags=tuple(dict.fromkeys(hashtags)),
        mentions=tuple(dict.fromkeys(mentions)),
        created_at=created_at,
        play_count=count(stats.get("play_count")),
        digg_count=count(stats.get("digg_count")),
        comment_count=count(stats.get("comment_count")),
        share_count=count(stats.get("share_count")),
        collect_count=count(stats.get("collect_count")),
    )


def _read_videos(awemes: list[Any]) -> tuple[list[VideoRecord], list[tuple[Any, str]]]:
    videos, rejected = [], []
    for aweme in awemes:
        try:
            videos.append(video_from_aweme(aweme))
        except ValueError as error:
            rejected.append((aweme, str(error)))
    return videos, rejected


def hashtag_video_page(data: dict[str, Any]) -> VideoPage:
    """``fetch_hashtag_video_list``: videos in ``aweme_list``; next page from ``cursor``."""
    awemes = data.get("aweme_list")
    if awemes is None:
        awemes = []
    if not isinstance(awemes, list):
        raise TikHubFormatError("'aweme_list' is not a list")
    videos, rejected = _read_videos(awemes)
    cursor = data.get("cursor")
    return VideoPage(videos, rejected, 0, _truthy_flag(data.get("has_more")), cursor if isinstance(cursor, int) else None)


def _is_ad(item: dict[str, Any], aweme: dict[str, Any]) -> bool:
    return bool(aweme.get("is_ads") or item.get("is_ad") or aweme.get("ad_info") or item.get("ad_info"))


def search_video_page(data: dict[str, Any]) -> VideoPage:
    """``fetch_video_search_result``: results in ``search_item_list[].aweme_info``; ads skipped."""
    items = data.get("search_item_list")
    if items is None:
        items = []
    if not isinstance(items, list):
        raise TikHubFormatError("'search_item_list' is not a list")
    awemes, ads = [], 0
    for item in items:
        aweme = item.get("aweme_info") if isinstance(item, dict) else None
        if isinstance(aweme, dict) and _is_ad(item, aweme):
            ads += 1
            continue
        awemes.append(aweme)
    videos, rejected = _read_videos(awemes)
    cursor = data.get("cursor")
    return VideoPage(videos, rejected, ads, _truthy_flag(data.get("has_more")), cursor if isinstance(cursor, int) else None)


def _avatar(user: dict[str, Any]) -> str | None:
    thumb = user.get("avatar_thumb")
    urls = thumb.get("url_list") if isinstance(thumb, dict) else None
    return urls[0] if isinstance(urls, list) and urls and isinstance(urls[0], str) else _text(user.get("avatarThumb"))


def app_profile(data: dict[str, Any]) -> CreatorProfile:
    """``handler_user_profile``: snake_case counts inside ``data.user``."""
    user = data.get("user")
    if not isinstance(user, dict):
        raise TikHubFormatError("profile has no 'user' object")
    user_id = _text(user.get("uid"))
    if not user_id:
        raise TikHubFormatError("profile user has no uid")
    return CreatorProfile(
        user_id=user_id,
        sec_uid=_text(user.get("sec_uid")),
        handle=_text(user.get("unique_id")),
        nickname=_text(user.get("nickname")),
        followers=count(user.get("follower_count")),
        following=count(user.get("following_count")),
        hearts=count(user.get("total_favorited")),
        videos=count(user.get("aweme_count")),
        signature=user.get("signature") if isinstance(user.get("signature"), str) else None,
        avatar_url=_avatar(user),
    )


def web_profile(data: dict[str, Any]) -> CreatorProfile:
    """``fetch_user_profile`` (web, camelCase): exact ``statsV2`` strings win over rounded ``stats``."""
    info = data.get("userInfo")
    if not isinstance(info, dict) or not isinstance(info.get("user"), dict):
        raise TikHubFormatError("profile has no 'userInfo.user' object")
    user = info["user"]
    exact = info.get("statsV2") if isinstance(info.get("statsV2"), dict) else {}
    rounded = info.get("stats") if isinstance(info.get("stats"), dict) else {}

    def stat(name: str) -> int | None:
        value = count(exact.get(name))
        return value if value is not None else count(rounded.get(name))

    user_id = _text(user.get("id"))
    if not user_id:
        raise TikHubFormatError("profile user has no id")
    return CreatorProfile(
        user_id=user_id,
        sec_uid=_text(user.get("secUid")),
        handle=_text(user.get("uniqueId")),
        nickname=_text(user.get("nickname")),
        followers=stat("followerCount"),
        following=stat("followingCount"),
        hearts=stat("heartCount") if stat("heartCount") is not None else stat("heart"),
        videos=stat("videoCount"),
        signature=user.get("signature") if isinstance(user.get("signature"), str) else None,
        avatar_url=_text(user.get("avatarThumb")),
    )


def challenge_id_for(data: dict[str, Any], name: str) -> tuple[str | None, list[str]]:
    """The ``cid`` of the challenge named exactly ``name`` (case-insensitive) in a
    ``fetch_hashtag_search_result`` answer, and the names it did list (for the error message)."""
    listed = data.get("challenge_list") if isinstance(data.get("challenge_list"), list) else []
    names = []
    for row in listed:
        info = row.get("challenge_info", row) if isinstance(row, dict) else None
        if not isinstance(info, dict):
            continue
        found = str(info.get("cha_name") or "")
        if not found:
            continue
        names.append(found)
        if found.lower() == name.lower().lstrip("#") and info.get("cid"):
            return str(info["cid"]), names
    return None, names

