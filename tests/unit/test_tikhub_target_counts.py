"""A search target counts distinct videos: a feed that shifts while we page repeats some."""

from datetime import UTC, datetime

from orchestration.formats.responses import FetchedResponse
from orchestration.formats.rows import CREATORS_DOMAIN
from orchestration.formats.tikhub import VideoPage, VideoRecord
from orchestration.snapshots.manifest import SnapshotWriter
from orchestration.snapshots.store import LocalObjectStore
from orchestration.sources.tikhub import TargetResult, _page_loop

DAY = datetime(2026, 11, 20, tzinfo=UTC)


def video(aweme_id: str) -> VideoRecord:
    return VideoRecord(aweme_id, "1", "sec-1", "glowlab", "#serum", ("serum",), (), DAY, 60_000, 10, 1, 0, 0)


def test_a_video_repeated_on_the_next_page_counts_once(tmp_path):
    writer = SnapshotWriter(LocalObjectStore(root=str(tmp_path)), CREATORS_DOMAIN, "tikhub", "tikhub", "1.0.0", DAY,
                            run_id="run-1")
    pages = [VideoPage([video("11"), video("12"), video("13")], [], 0, True, 3),
             VideoPage([video("13"), video("14")], [], 0, False, None)]  # "13" slid onto the second page
    result = TargetResult("hashtag", "serum")

    _page_loop(None, writer, result, pages=5,
               fetch=lambda cursor: (FetchedResponse("https://api.example/x", 200, "application/json", b"{}", DAY, 1), {}),
               read=lambda data: pages[result.pages], role="hashtag_videos", step=20)

    assert (result.pages, result.videos) == (2, 4)
