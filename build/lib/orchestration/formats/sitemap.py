"""sitemap.xml and sitemap indexes (plain or gzip'd) -> page URLs or child sitemaps: pure, no I/O."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

from orchestration.formats.responses import SourceFormatError


@dataclass(frozen=True)
class Sitemap:
    page_urls: list[str]
    child_sitemaps: list[str]


def parse_sitemap(body: bytes, url: str = "sitemap") -> Sitemap:
    """URLs of a ``<urlset>`` or the child sitemaps of a ``<sitemapindex>`` (gzip'd or not)."""
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise SourceFormatError(f"{url}: not a sitemap, the XML does not parse ({error})") from None
    kind = root.tag.rsplit("}", 1)[-1]
    # Only an entry's own <loc>: image and video extensions nest <image:loc> inside <url>.
    locations = [
        (child.text or "").strip()
        for entry in root
        for child in entry
        if child.tag.rsplit("}", 1)[-1] == "loc" and not child.tag.startswith("{http://www.google.com/")
    ]
    locations = [location for location in locations if location]
    if kind == "urlset":
        return Sitemap(locations, [])
    if kind == "sitemapindex":
        return Sitemap([], locations)
    raise SourceFormatError(f"{url}: expected <urlset> or <sitemapindex>, found <{kind}>")
