"""io.urls: the one parse of an input URL's host, and the rules each user adds to it."""

from __future__ import annotations

import pytest

from cleaner.corpus import templates
from cleaner.io.urls import web_host
from cleaner.rules import ruleset
from cleaner.rules.formats import ftr


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://WWW.Example.org:8080/a?b#c", "www.example.org"),
        ("HTTP://example.org", "example.org"),
        ("  http://example.org/  ", "example.org"),
        ("ftp://example.org/file", None),
        ("mailto:someone@example.org", None),
        ("/relative/path", None),
        ("http://[not-an-ip/x", None),
        ("", None),
        (None, None),
    ],
)
def test_web_host_is_the_lower_case_host_of_http_urls_only(url, host):
    assert web_host(url) == host


def test_each_user_adds_its_own_rule_to_the_same_parse():
    url = "https://www.example.org./story"
    assert ftr.host_of(url) == "www.example.org"  # site files are named after the full host
    assert templates.site_of("a.html", url, None) == "example.org."  # a site is the host without www.
    assert ruleset._host_of(url) == "www.example.org."


def test_a_malformed_url_has_no_host_for_any_user():
    bad = "http://[::1/page"
    assert ftr.host_of(bad) is None
    assert ruleset._host_of(bad) == ""  # before, the YAML rules' host match raised on it
    assert templates.site_of("site/a.html", bad, None) == "site"  # the folder's site, as with no URL


def test_an_archived_page_belongs_to_the_original_site():
    url = "https://web.archive.org/web/20190101000000/https://www.example.org/a"
    assert templates.site_of("a.html", url, None) == "example.org"
