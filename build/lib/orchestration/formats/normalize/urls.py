"""URL normalization and product identity: pure functions, no I/O."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

# Query parameters that identify a click or a campaign, never the product.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
        "trkid", "extparam", "whid", "src", "spm", "sp_atk", "xptdk", "ref", "ref_",
        "_pos", "_sid", "_ss", "_psq", "_v",
    }
)
TRACKING_PREFIXES = ("utm_",)
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


def product_key(source: str, identity: str) -> str:
    """SHA-256 hex of a source name and the product's normalized identity within it."""
    return hashlib.sha256(f"{source}\x1f{identity}".encode()).hexdigest()
