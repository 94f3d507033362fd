"""URL normalization and product identity: pure functions, no I/O."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

# Query parameters that identify a click, a campaign or an affiliate, never the product. Only
# names no site uses for a product: platform URLs (Shopee, Lazada, Amazon, ...) drop their whole
# query in canonical_product, so ambiguous names such as "pid", "c" or "tag" are kept here.
TRACKING_PARAMETERS = frozenset(
    {
        # ad clicks and campaigns
        "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "gbraid", "wbraid",
        "ttclid", "twclid", "li_fat_id", "epik", "s_kwcid", "ef_id", "mkt_tok", "_hsenc", "_hsmi",
        # marketplaces: Tokopedia, Shopee, Lazada, TikTok, Shopify themes
        "trkid", "extparam", "whid", "src", "spm", "sp_atk", "xptdk", "smtt", "ref", "ref_",
        "_pos", "_sid", "_ss", "_psq", "_v", "clicktrackinfo", "scm", "laz_trackid", "trafficfrom",
        "exlaz", "laz_share_info", "laz_token", "share_app_id", "share_link_id", "u_code", "sec_user_id",
        "_svg", "social_share_type", "tt_from", "sender_device", "is_from_webapp",
        # affiliate networks
        "aff_id", "affiliate_id", "irclickid", "irgwc", "clickid", "ranmid", "raneaid", "ransiteid", "awc",
        "cjevent", "tduid", "ascsubtag", "is_retargeting",
    }
)
TRACKING_PREFIXES = ("utm_", "af_", "pd_rd_", "pf_rd_")
# RFC 3986 path characters left as they are; everything else (spaces, non-ASCII) is percent-encoded.
PATH_SAFE = "/%:@!$&'()*+,;=-._~"


def quote_path(path: str) -> str:
    return quote(path, safe=PATH_SAFE)


def is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


# Query parameters through which ad and affiliate redirects carry the real destination.
REDIRECT_PARAMETERS = frozenset(
    {"r", "u", "url", "target", "dest", "destination", "redirect", "redirect_url", "redirect_uri", "link", "goto", "to"}
)
MAX_REDIRECT_DEPTH = 3


def unwrap_redirect(url: str) -> str:
    """The destination of an ad-redirect link (the real URL in a query parameter), else ``url``."""
    for _ in range(MAX_REDIRECT_DEPTH):
        parameters = parse_qsl(urlsplit(url.strip()).query, keep_blank_values=True)
        destination = next(
            (value for name, value in parameters
             if name.lower() in REDIRECT_PARAMETERS and value.lower().startswith(("http://", "https://"))),
            None,
        )
        if destination is None:
            return url
        url = destination
    return url


def normalize_url(url: str) -> str:
    """Canonical form of a product URL.

    Unwraps ad-redirect links, lowercases scheme and host, drops default ports, fragments and
    tracking parameters, and
    sorts the remaining query parameters so two links to the same page compare equal. Unsafe
    path characters are percent-encoded (already-encoded sequences are kept).
    """
    parts = urlsplit(unwrap_redirect(url).strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_parameter(name)
    )
    path = quote_path(parts.path or "/")
    return urlunsplit((scheme, host, path, urlencode(query), ""))


# The keyspace of listings keyed on a platform's ids: shared by every source, so two sources that
# watch the same marketplace listing (a search and a category) give it one product key.
PLATFORM_KEYSPACE = "*"


def listing_key(source: str, identity: ProductIdentity) -> str:
    """A listing's product key: platform ids across sources, else the URL within its source."""
    return product_key(PLATFORM_KEYSPACE if identity.is_platform_id else source, identity.key)


def product_key(source: str, identity: str) -> str:
    """SHA-256 hex of a source name and the product's normalized identity within it."""
    return hashlib.sha256(f"{source}\x1f{identity}".encode()).hexdigest()


class NotAProductURL(ValueError):
    """A shop, category or search page: it must never become a product key."""


@dataclass(frozen=True)
class ProductIdentity:
    """One listing whatever URL reached it: its canonical ``url``, the ``key`` it is identified by
    (platform ids where the URL carries them, else ``url:<canonical url>``) and, where the URL names
    a variant (Shopify ``?variant=``, Lazada ``-s<sku>``), the ``variant_id`` apart from the URL."""

    url: str
    key: str
    variant_id: str | None = None

    @property
    def is_platform_id(self) -> bool:
        """Keyed on a marketplace's own ids (``shopee:...``), which name one listing whatever source saw it."""
        return not self.key.startswith("url:")


_SHOPEE_HOST = re.compile(r"^(?:www\.|m\.)?(shopee\.(?:co\.id|sg|com\.my|ph|vn|co\.th|tw|com\.br|cl|com\.co|com\.mx))$")
_SHOPEE_SLUG = re.compile(r"-i\.(\d+)\.(\d+)$")
_SHOPEE_PRODUCT = re.compile(r"^/product/(\d+)/(\d+)$")
_TOKOPEDIA_HOST = re.compile(r"^(?:www\.|m\.)?tokopedia\.com$")
# First path segments of Tokopedia pages that are not shops.
_TOKOPEDIA_RESERVED = frozenset({"p", "search", "discovery", "promo", "help", "cart", "find", "hot", "official-store",
                                 "top-up", "tagihan", "b", "blog", "about", "careers", "user", "login", "register",
                                 "payment", "order-list", "wishlist", "events", "tokopedia-play", "play", "feed"})
# Second segments of shop pages that are not products.
_TOKOPEDIA_SHOP_PAGES = frozenset({"etalase", "review", "product", "info", "feed", "note", "shop-notes", "campaign"})
_LAZADA_HOST = re.compile(r"^(?:www\.|m\.)?(lazada\.(?:co\.id|com\.my|sg|com\.ph|vn|co\.th))$")
_LAZADA_PRODUCT = re.compile(r"^/products/(?:.*-)?i(\d+)(?:-s(\d+))?\.html$")
_TIKTOK_HOST = re.compile(r"^(?:www\.|shop\.|m\.|vt\.)?tiktok\.com$|^shop-[a-z]{2}\.tokopedia\.com$")
_TIKTOK_PRODUCT = re.compile(r"^/(?:view/product|shop/pdp(?:/[^/]+)?|product)/(\d{10,})$")
_AMAZON_HOST = re.compile(r"^(?:www\.|smile\.|m\.)?(amazon\.(?:com|ca|com\.mx|com\.br|co\.uk|de|fr|it|es|nl|se|pl|com\.be|"
                          r"com\.tr|ae|sa|eg|in|sg|com\.au|co\.jp))$")
_AMAZON_PRODUCT = re.compile(r"(?:^|/)(?:dp|gp/product|gp/aw/d|exec/obidos/asin|o/asin)/([A-Z0-9]{10})(?:/|$)", re.IGNORECASE)
_COLLECTION_PRODUCT = re.compile(r"^(.*)/collections/[^/]+(/products/[^/]+)$")
_SHOPIFY_PRODUCT = re.compile(r"/products/[^/]+$")
_SHOPIFY_LISTING = re.compile(r"/collections(?:/[^/]+)?$|/collections/[^/]+/products$")


def canonical_product(url: str) -> ProductIdentity:
    """The one identity of a product URL, whatever shape reached it.

    Shopee, Tokopedia, Lazada, TikTok Shop, Amazon and Shopify URL shapes map to one canonical
    URL each, keyed on the platform's ids; any other URL is normalized (:func:`normalize_url`).
    Tracking and affiliate parameters never take part. Raises :class:`NotAProductURL` for a
    recognised shop, category or search page.
    """
    normalized = normalize_url(url)
    parts = urlsplit(normalized)
    host, path = parts.netloc, parts.path.rstrip("/") or "/"
    if match := _SHOPEE_HOST.match(host):
        ids = _SHOPEE_SLUG.search(path) or _SHOPEE_PRODUCT.match(path)
        if not ids:
            raise NotAProductURL(f"{url}: a Shopee shop, category or search page, not a product (no -i.<shop>.<item>)")
        shop_id, item_id = ids.groups()
        return ProductIdentity(f"https://{match.group(1)}/product/{shop_id}/{item_id}", f"shopee:{shop_id}.{item_id}")
    if _TIKTOK_HOST.match(host):
        if not (ids := _TIKTOK_PRODUCT.match(path)):
            raise NotAProductURL(f"{url}: a TikTok page that is not a TikTok Shop product")
        return ProductIdentity(f"https://shop.tiktok.com/view/product/{ids.group(1)}", f"tiktokshop:{ids.group(1)}")
    if _TOKOPEDIA_HOST.match(host):
        segments = [segment for segment in path.split("/") if segment]
        if len(segments) != 2 or segments[0].lower() in _TOKOPEDIA_RESERVED or segments[1].lower() in _TOKOPEDIA_SHOP_PAGES:
            raise NotAProductURL(f"{url}: a Tokopedia shop, category or search page, not a product (/<shop>/<product>)")
        shop, product = segments[0].lower(), segments[1]
        return ProductIdentity(f"https://www.tokopedia.com/{shop}/{product}", f"tokopedia:{shop}/{product}")
    if match := _LAZADA_HOST.match(host):
        if not (ids := _LAZADA_PRODUCT.match(path)):
            raise NotAProductURL(f"{url}: a Lazada shop, category or search page, not a product (-i<item>.html)")
        item_id, sku_id = ids.groups()
        return ProductIdentity(f"https://www.{match.group(1)}/products/i{item_id}.html", f"lazada:{item_id}", sku_id)
    if match := _AMAZON_HOST.match(host):
        if not (ids := _AMAZON_PRODUCT.search(path)):
            raise NotAProductURL(f"{url}: an Amazon search, store or browse page, not a product (/dp/<ASIN>)")
        asin = ids.group(1).upper()
        return ProductIdentity(f"https://www.{match.group(1)}/dp/{asin}", f"amazon:{match.group(1)}:{asin}")
    if _SHOPIFY_LISTING.search(path):
        raise NotAProductURL(f"{url}: a collection page, not a product")
    if _SHOPIFY_PRODUCT.search(path) or _COLLECTION_PRODUCT.match(path):
        path = _COLLECTION_PRODUCT.sub(r"\1\2", path)
        query = parse_qsl(parts.query, keep_blank_values=True)
        variant = next((value for name, value in query if name == "variant" and value.isdigit()), None)
        rest = urlencode([(name, value) for name, value in query if name != "variant"])
        canonical = urlunsplit((parts.scheme, host, path, rest, ""))
        return ProductIdentity(canonical, f"url:{canonical}", variant)
    return ProductIdentity(normalized, f"url:{normalized}")
