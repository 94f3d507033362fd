"""TikHub connector: daily creator discovery by hashtag and keyword, plus each author's profile.

Every call goes through the one polite HTTP client (rate limit; 429/5xx retried with backoff,
honouring Retry-After). The API key travels only in the Authorization header and is scrubbed
from every message this module produces, because TikHub echoes a rejected key in its 401 body.
401 and 402 stop the whole run; any other failure of one hashtag or keyword is recorded in the
manifest and the others go on, and a coverage check decides whether the day passes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from logging import Logger
from typing import Any

import dagster as dg

from orchestration.config import CreatorSearch
from orchestration.formats.normalize import BrandDictionary
from orchestration.formats.responses import FetchedResponse
from orchestration.formats.rows import (
    CREATORS_DOMAIN,
    CreatorObservation,
    CreatorPage,
    QuarantinedRecord,
    VideoObservation,
)
from orchestration.formats.tikhub import (
    CreatorProfile,
    TikHubFormatError,
    VideoPage,
    app_profile,
    challenge_id_for,
    envelope_data,
    hashtag_video_page,
    search_video_page,
    web_profile,
)
from orchestration.snapshots.manifest import ArchivedPage, SnapshotWriter, fetched_at
from orchestration.sources.connector import quarantined_page
from orchestration.sources.http import PoliteHttpClient
from orchestration.sources.retry import SourceUnavailableError

API_KEY_ENV = "TIKHUB_API_KEY"
APP = "/api/v1/tiktok/app/v3"
VIDEO_ROLES = {"hashtag_videos": hashtag_video_page, "keyword_search": search_video_page}
REDACTED = "[REDACTED]"


class TikHubResource(dg.ConfigurableResource):
    """The TikHub API key, from the TIKHUB_API_KEY environment variable (never logged)."""

    api_key: str


class TikHubAuthError(RuntimeError):
    """401 (invalid key) or 402 (no balance): nothing else can succeed, so the run stops."""


class TikHubApiError(RuntimeError):
    """A call failed for this target only (an error envelope, a Cloudflare block, a bad shape)."""


def redact(text: str, secret: str | None) -> str:
    """``text`` with the API key (and any ``Bearer`` token) replaced by [REDACTED]."""
    if secret:
        text = text.replace(secret, REDACTED)
    marker = "Bearer "
    start = text.find(marker)
    while start != -1:
        end = start + len(marker)
        stop = end
        while stop < len(text) and not text[stop].isspace() and text[stop] not in "\"',}":
            stop += 1
        text = text[:end] + REDACTED + text[stop:]
        start = text.find(marker, end + len(REDACTED))
    return text


def describe_error(status: int, body: bytes, secret: str | None) -> str:
    """A one-line, key-free description of an error answer (TikHub envelope or Cloudflare block)."""
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None
    if isinstance(payload, dict) and isinstance(payload.get("detail"), dict):
        detail = payload["detail"]
        text = f"TikHub error {detail.get('code', status)}: {detail.get('message', '(no message)')}"
        if detail.get("request_id"):
            text += f" (request {detail['request_id']})"
    elif isinstance(payload, dict) and {"title", "status"} <= payload.keys() and isinstance(payload.get("detail"), str):
        text = (f"Cloudflare edge block {payload.get('error_code', '')} (HTTP {payload.get('status')}): "
                f"{payload['title']}; {payload['detail']} (ray {payload.get('ray_id', '?')}, "
                f"retryable={payload.get('retryable')}, retry_after={payload.get('retry_after')})")
    else:
        text = f"HTTP {status}: {body[:200].decode('utf-8', 'replace')}"
    return redact(text, secret)


class TikHubClient:
    """GETs TikHub endpoints; returns the raw response of a success envelope or raises."""

    def __init__(self, base_url: str, api_key: str, rate_limit_per_second: float, **http_options: Any):
        if not api_key:
            raise TikHubAuthError(f"no TikHub API key: set {API_KEY_ENV}")
        self.base_url = base_url.rstrip("/")
        self._secret = api_key
        self._http = PoliteHttpClient(rate_limit_per_second, headers={"Authorization": f"Bearer {api_key}"},
                                      **http_options)

    @property
    def retries(self) -> int:
        return self._http.stats.retries

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TikHubClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def get(self, path: str, params: dict[str, Any]) -> tuple[FetchedResponse, dict[str, Any]]:
        try:
            response = self._http.get(f"{self.base_url}{path}", params=params)
        except SourceUnavailableError as error:
            raise TikHubApiError(redact(str(error), self._secret)) from None
        if response.status in (401, 402):
            what = "the API key was rejected" if response.status == 401 else "the TikHub account has no balance left"
            raise TikHubAuthError(f"{path}: {what}; stopping the run. {describe_error(response.status, response.body, self._secret)}")
        if response.status != 200:
            raise TikHubApiError(f"{path}: {describe_error(response.status, response.body, self._secret)}")
        try:
            return response, envelope_data(response.body)
        except TikHubFormatError as error:
            raise TikHubApiError(f"{path}: {error}") from None


@dataclass
class TargetResult:
    kind: str  # hashtag | keyword
    name: str
    pages: int = 0
    ads_skipped: int = 0
    error: str | None = None
    authors: dict[str, str] = field(default_factory=dict)  # sec_uid or uid -> which id kind
    video_ids: set[str] = field(default_factory=set)

    @property
    def videos(self) -> int:
        """Distinct videos found: a feed that shifts while we page repeats some."""
        return len(self.video_ids)


def _page_loop(client: TikHubClient, writer: SnapshotWriter, result: TargetResult, pages: int,
               fetch: Callable[[int], tuple[FetchedResponse, dict[str, Any]]], read: Callable[[dict[str, Any]], VideoPage],
               role: str, step: int) -> None:
    cursor = 0
    for _ in range(pages):
        response, data = fetch(cursor)
        page = read(data)
        writer.add(response, len(page.videos), role=role, target=result.name, target_kind=result.kind, cursor=cursor)
        result.pages += 1
        result.video_ids.update(video.aweme_id for video in page.videos)
        result.ads_skipped += page.ads_skipped
        for video in page.videos:
            if video.author_sec_uid:
                result.authors.setdefault(video.author_sec_uid, "sec_user_id")
            elif video.author_uid:
                result.authors.setdefault(video.author_uid, "user_id")
        if not page.has_more:
            return
        cursor = page.next_cursor if page.next_cursor is not None and page.next_cursor > cursor else cursor + step


HASHTAG_LOOKUP = "fetch_hashtag_search_result"


def search_hashtag(client: TikHubClient, writer: SnapshotWriter, search: CreatorSearch, result: TargetResult, hashtag) -> None:
    challenge_id = hashtag.id
    if challenge_id is None:
        # fetch_hashtag_detail takes only a ch_id; a name is resolved through the hashtag search.
        response, data = client.get(f"{APP}/{HASHTAG_LOOKUP}", {"keyword": hashtag.name, "offset": 0, "count": 10})
        writer.add(response, 0, role="hashtag_lookup", target=hashtag.name, target_kind="hashtag")
        challenge_id, listed = challenge_id_for(data, hashtag.name)
        if challenge_id is None:
            raise TikHubApiError(
                f"hashtag #{hashtag.name}: {APP}/{HASHTAG_LOOKUP}?keyword={hashtag.name} lists no challenge named "
                f"exactly {hashtag.name!r} (it listed {', '.join(listed[:5]) or 'none'}); give the hashtag's ch_id in "
                "the config ({name: ..., id: ...}) or fix the name")
    _page_loop(client, writer, result, search.pages_per_hashtag,
               lambda cursor: client.get(f"{APP}/fetch_hashtag_video_list",
                                         {"ch_id": challenge_id, "cursor": cursor, "count": search.videos_per_page}),
               hashtag_video_page, "hashtag_videos", search.videos_per_page)


def search_keyword(client: TikHubClient, writer: SnapshotWriter, search: CreatorSearch, result: TargetResult, keyword: str) -> None:
    _page_loop(client, writer, result, search.pages_per_hashtag,
               lambda offset: client.get(f"{APP}/fetch_video_search_result",
                                         {"keyword": keyword, "offset": offset, "count": search.videos_per_page,
                                          "sort_type": 0, "publish_time": 0, "region": search.region}),
               search_video_page, "keyword_search", search.videos_per_page)


def fetch_profile(client: TikHubClient, search: CreatorSearch, author: str, id_kind: str) -> tuple[FetchedResponse, CreatorProfile]:
    if search.profile_endpoint == "web":
        params = {"secUid": author} if id_kind == "sec_user_id" else {"uniqueId": author}
        response, data = client.get("/api/v1/tiktok/web/fetch_user_profile", params)
        return response, web_profile(data)
    response, data = client.get(f"{APP}/handler_user_profile", {id_kind: author})
    return response, app_profile(data)


def write_snapshot(search: CreatorSearch, writer: SnapshotWriter, log: Logger, api_key: str,
                   **http_options: Any) -> dict[str, Any]:
    """Search every hashtag and keyword, then fetch each author's profile; returns manifest extras."""
    targets = [TargetResult("hashtag", hashtag.name) for hashtag in search.hashtags] + \
              [TargetResult("keyword", keyword) for keyword in search.keywords]
    profile_failures: dict[str, str] = {}
    with TikHubClient(search.base_url, api_key, search.rate_limit_per_second, **http_options) as client:
        for result, target in zip(targets, [*search.hashtags, *search.keywords], strict=True):
            try:
                if result.kind == "hashtag":
                    search_hashtag(client, writer, search, result, target)
                else:
                    search_keyword(client, writer, search, result, target)
            except (TikHubApiError, TikHubFormatError) as error:
                result.error = redact(str(error), api_key)
                log.warning(f"{result.kind} {result.name}: failed, the others go on: {result.error}")
                continue
            log.info(f"{result.kind} {result.name}: {result.videos} videos on {result.pages} page(s), "
                     f"{result.ads_skipped} ads skipped, {len(result.authors)} authors")
        authors: dict[str, str] = {}
        for result in targets:
            for author, id_kind in result.authors.items():
                authors.setdefault(author, id_kind)
        for number, (author, id_kind) in enumerate(sorted(authors.items()), start=1):
            try:
                response, profile = fetch_profile(client, search, author, id_kind)
            except (TikHubApiError, TikHubFormatError) as error:
                profile_failures[author] = redact(str(error), api_key)
                continue
            writer.add(response, 1, role="profile", target=profile.user_id, target_kind="profile")
            if number % 50 == 0 or number == len(authors):
                log.info(f"profiles: {number}/{len(authors)}")
        retries = client.retries
    answered = [result for result in targets if result.error is None and result.pages > 0]
    return {
        "targets": {f"{r.kind}:{r.name}": {"pages": r.pages, "videos": r.videos, "ads_skipped": r.ads_skipped,
                                             "authors": len(r.authors), "error": r.error} for r in targets},
        "coverage": round(len([r for r in answered if r.videos > 0]) / len(targets), 4) if targets else 0.0,
        "authors": len(authors),
        "profile_failures": profile_failures,
        "retries": retries,
        "truncated": False,
    }


class TikHubConnector:
    kind = "tikhub"
    version = "1.0.0"
    describes = "TikHub responses: hashtag and keyword video pages, then each author's profile"
    permanent_errors = (TikHubAuthError,)

    def check(self, source: CreatorSearch) -> None:
        """Nothing beyond the config's own validation."""

    def fetch(self, source: CreatorSearch, writer: SnapshotWriter, log: Logger,
              secrets: Mapping[str, str]) -> dict[str, Any]:
        return write_snapshot(source, writer, log, secrets.get("api_key", ""))

    def parse(self, source: CreatorSearch, pages: Iterable[ArchivedPage], window_start: datetime,
              brands: BrandDictionary) -> Iterator[CreatorPage]:
        """Creators from profile calls only (list authors carry zeroed counts); each video once per page,
        found by the page's target. Sitemap-like pages (hashtag details) carry no rows."""
        partition_date = window_start.astimezone(UTC).date()
        for page in pages:
            request = page.request
            role, key, observed = request.get("role"), request["object_key"], fetched_at(request)
            if role not in VIDEO_ROLES and role != "profile":
                continue
            try:
                data = envelope_data(page.body)
                if role == "profile":
                    profile = web_profile(data) if "userInfo" in data else app_profile(data)
                    yield CreatorPage([CreatorObservation(
                        partition_date, key, observed, profile.user_id, profile.sec_uid, profile.handle,
                        profile.nickname, profile.followers, profile.following, profile.hearts, profile.videos,
                        profile.signature, profile.avatar_url)], [], [])
                    continue
                videos = VIDEO_ROLES[role](data)
            except TikHubFormatError as error:
                yield CreatorPage([], [], [quarantined_page(CREATORS_DOMAIN, self.kind, window_start, page, str(error),
                                                            locator=role)])
                continue
            target = f"{request.get('target_kind')}:{request.get('target')}"
            rejected = [QuarantinedRecord(CREATORS_DOMAIN, self.kind, window_start, key, f"{role}:{request.get('target')}",
                                          json.dumps(record, default=str)[:20_000], reason)
                        for record, reason in videos.rejected]
            yield CreatorPage([], [VideoObservation(
                partition_date, key, observed, video.aweme_id, video.author_uid, video.author_handle, video.caption,
                list(video.hashtags), list(video.mentions), video.created_at, video.play_count, video.digg_count,
                video.comment_count, video.share_count, video.collect_count, [target]) for video in videos.videos],
                rejected)


CONNECTOR = TikHubConnector()
