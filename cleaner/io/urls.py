"""The host an input's URL names (a JSONL `url`, a WARC target URI, a page's canonical link).

One parse for the three places that key on it: site templates, the YAML rules' `match: host` and
the Full-Text RSS site configs, each adding only its own rule (www., archives, file names)."""

from __future__ import annotations

from urllib.parse import urlsplit

WEB_SCHEMES = frozenset({"http", "https"})


def web_host(url: str | None) -> str | None:
    """The lower-case host of an http(s) URL; None for no URL, another scheme or a malformed one.

    >>> web_host("https://WWW.Example.org:8080/a?b"), web_host("ftp://example.org"), web_host("http://[x")
    ('www.example.org', None, None)
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""  # lower-cased by urlsplit; a bad port or bracket raises here
    except ValueError:
        return None
    return host if parts.scheme.lower() in WEB_SCHEMES and host else None
