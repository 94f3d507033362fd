"""DEMO / TEST FIXTURE: a make-believe population of TikTok creators, not real people.

Creators of a few kinds evolve day by day from a seed: comets (small accounts with a breakout
video), steady growers, shrinking accounts, newcomers, big accounts and tiny ones. Their videos
carry hashtags and captions that mention the demo brands. ``comets_on(day)`` is the ground
truth the comet mart is tested against. ``tikhub_pages`` renders the TikHub API's answers.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from orchestration.config import CometThresholds

EPOCH_DAY = date(2026, 1, 1)
HASHTAGS = ("skincare", "serum", "kopi", "glowup")
KEYWORDS = ("serum", "kopi susu")
BRANDS = ("Lumiere", "Dewdrop", "Verdant Skin", "Sinar Lab", "Toraja Hills", "Gayo Select")
KINDS = {"comet": 6, "steady": 12, "shrinking": 5, "newcomer": 4, "big": 5, "tiny": 6}
VIDEO_LIFETIME_DAYS = 14


@dataclass(frozen=True)
class DemoVideo:
    aweme_id: str
    posted: date
    caption: str
    hashtags: tuple[str, ...]
    peak_views: int
    mentions: tuple[str, ...]

    def views(self, day: date) -> int:
        age = (day - self.posted).days
        if age < 0:
            return 0
        return int(self.peak_views * (1 - math.exp(-(age + 1) / 2.0)))


@dataclass(frozen=True)
class DemoCreator:
    uid: str
    sec_uid: str
    handle: str
    nickname: str
    kind: str
    base_followers: int
    daily_growth: float  # multiplicative per day
    first_day: date
    following: int
    videos: tuple[DemoVideo, ...]

    def followers(self, day: date) -> int:
        if day < self.first_day:
            return 0
        return max(0, int(self.base_followers * self.daily_growth ** (day - self.first_day).days))

    def hearts(self, day: date) -> int:
        return sum(int(video.views(day) * 0.08) for video in self.videos)

    def video_count(self, day: date) -> int:
        return sum(1 for video in self.videos if video.posted <= day)


GENERATION_DAYS = 30  # a new cohort of creators appears every 30 days and is followed for 60
LIFETIME_DAYS = 2 * GENERATION_DAYS


class DemoCreatorPopulation:
    """Overlapping cohorts of creators, so any day has comets on the rise, steady and fading accounts."""

    def __init__(self, seed: int, epoch: date = EPOCH_DAY):
        self.seed = seed
        self.epoch = epoch

    def generation_of(self, day: date) -> int:
        return (day - self.epoch).days // GENERATION_DAYS

    def alive_on(self, day: date) -> list[DemoCreator]:
        generation = self.generation_of(day)
        return [creator for g in (generation - 1, generation) if g >= 0 for creator in self.cohort(g)]

    @property
    def creators(self) -> list[DemoCreator]:
        return self.alive_on(datetime.now(UTC).date())

    @lru_cache(maxsize=8)  # noqa: B019 - one population per process
    def cohort(self, generation: int) -> tuple[DemoCreator, ...]:
        rng = random.Random(f"{self.seed}:creators:{generation}")
        born = self.epoch + timedelta(days=generation * GENERATION_DAYS)
        creators = []
        index = 0
        for kind, how_many in KINDS.items():
            for _ in range(how_many):
                index += 1
                uid = str(6_800_000_000_000_000_000 + generation * 100_000 + index)
                base, growth = {
                    "comet": (rng.randint(3_000, 12_000), rng.uniform(1.04, 1.07)),
                    "steady": (rng.randint(12_000, 80_000), rng.uniform(1.001, 1.006)),
                    "shrinking": (rng.randint(20_000, 90_000), rng.uniform(0.985, 0.997)),
                    "newcomer": (rng.randint(500, 3_000), rng.uniform(1.05, 1.09)),
                    "big": (rng.randint(150_000, 900_000), rng.uniform(1.0, 1.003)),
                    "tiny": (rng.randint(100, 6_000), rng.uniform(0.999, 1.004)),
                }[kind]
                first_day = born + timedelta(days=rng.randint(0, GENERATION_DAYS // 2)) if kind == "newcomer" else born
                handle = f"{rng.choice(('glow', 'kopi', 'daily', 'mbak', 'mas', 'beauty', 'ngopi'))}.{kind[:3]}{generation:02d}{index:02d}"
                videos = self._videos(rng, uid, kind, first_day, born + timedelta(days=LIFETIME_DAYS))
                creators.append(DemoCreator(uid, f"MS4wLjABAAAA{uid[-12:]}demo", handle, handle.replace(".", " ").title(),
                                            kind, base, growth, first_day, rng.randint(50, 900), videos))
        return tuple(creators)

    def _videos(self, rng: random.Random, uid: str, kind: str, first_day: date, last_day: date) -> tuple[DemoVideo, ...]:
        videos = []
        day = first_day
        number = 0
        while day < last_day:
            number += 1
            brand = rng.choice(BRANDS)
            tags = tuple(sorted(set(rng.sample(HASHTAGS, 2))))
            mentions_brand = rng.random() < 0.6
            caption = (f"Review jujur {brand} {'serum' if 'serum' in tags else 'kopi susu'}! " if mentions_brand
                       else "Rutinitas pagi aku ") + " ".join(f"#{tag}" for tag in tags) + \
                      (f" @{brand.lower().replace(' ', '')}.official" if mentions_brand and rng.random() < 0.5 else "")
            if kind == "comet":
                peak = rng.randint(60_000, 400_000) if rng.random() < 0.5 else rng.randint(2_000, 30_000)
            elif kind == "big":
                peak = rng.randint(80_000, 2_000_000)
            elif kind == "newcomer":
                peak = rng.randint(5_000, 120_000)
            else:
                peak = rng.randint(300, 45_000)
            videos.append(DemoVideo(f"{7_300_000_000_000_000_000 + int(uid) % 10_000_000 * 1000 + number}", day, caption,
                                    tags, peak, (f"{brand.lower().replace(' ', '')}.official",) if "@" in caption else ()))
            day += timedelta(days=rng.randint(1, 4))
        return tuple(videos)

    def creator(self, key: str, day: date | None = None) -> DemoCreator | None:
        alive = self.alive_on(day) if day else self.creators
        return next((c for c in alive if key in (c.uid, c.sec_uid, c.handle)), None)

    def videos_for(self, day: date, hashtag: str | None = None, keyword: str | None = None) -> list[tuple[DemoCreator, DemoVideo]]:
        """Live videos (posted in the last two weeks) by a hashtag or a caption keyword, newest first."""
        found = []
        for creator in self.alive_on(day):
            for video in creator.videos:
                age = (day - video.posted).days
                if not 0 <= age < VIDEO_LIFETIME_DAYS:
                    continue
                if (hashtag and hashtag in video.hashtags) or (keyword and keyword.lower() in video.caption.lower()):
                    found.append((creator, video))
        found.sort(key=lambda pair: (pair[1].posted, pair[1].aweme_id), reverse=True)
        return found

    def comets_on(self, day: date, thresholds: CometThresholds, hashtags: tuple[str, ...] = HASHTAGS,
                  keywords: tuple[str, ...] = KEYWORDS, per_target: int = 10_000) -> dict[str, str]:
        """Ground truth: handle -> qualifying video id, among the first ``per_target`` videos a scrape
        of ``day`` reads per hashtag and keyword."""
        seen = {(c.uid, v.aweme_id): (c, v) for tag in hashtags for c, v in self.videos_for(day, hashtag=tag)[:per_target]}
        seen |= {(c.uid, v.aweme_id): (c, v) for word in keywords for c, v in self.videos_for(day, keyword=word)[:per_target]}
        comets: dict[str, tuple[int, str]] = {}
        for creator, video in seen.values():
            followers = creator.followers(day)
            if thresholds.min_followers <= followers <= thresholds.max_followers and video.views(day) >= thresholds.min_video_views:
                best = comets.get(creator.handle)
                if best is None or video.views(day) > best[0]:
                    comets[creator.handle] = (video.views(day), video.aweme_id)
        return {handle: aweme for handle, (_, aweme) in sorted(comets.items())}


def day_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date()
