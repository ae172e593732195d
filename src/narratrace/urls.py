"""Canonical URLs: one form for links that name the same page.

Used for article ids (:class:`narratrace.model.Article`) and for duplicate detection
(:mod:`narratrace.corpus.dedup`), so that ``http://www.example.com/a/?utm_source=x`` and
``https://example.com/a`` are one article everywhere.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["TRACKING_PARAMS", "normalize_url", "url_id"]

TRACKING_PARAMS = re.compile(r"^(utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|yclid|ref|ref_src|cmpid|ocid|igshid|_ga)$", re.I)


def normalize_url(url: str | None) -> str | None:
    """A canonical form of a URL so that trivially different links compare equal.

    Lower-cases scheme and host, drops ``www.``, default ports, fragments, tracking
    parameters and a trailing slash, and sorts the remaining query parameters.

    >>> normalize_url("HTTPS://www.Example.com/a/b/?utm_source=x&id=2&a=1#top")
    'https://example.com/a/b?a=1&id=2'
    >>> normalize_url("  ") is None
    True
    """
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "http").lower()
    if scheme == "http":
        scheme = "https"  # the same page is commonly served on both
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = re.sub(r"/{2,}", "/", parts.path or "")
    if path.endswith("/") and len(path) > 1:
        path = path.rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k))
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def url_id(url: str) -> str:
    """The article id derived from a URL: a UUID of its canonical form.

    >>> url_id("http://www.example.com/a/?utm_source=feed") == url_id("https://example.com/a")
    True
    """
    return str(uuid.uuid3(uuid.NAMESPACE_URL, normalize_url(url) or url))
