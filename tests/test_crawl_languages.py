"""Crawl the public site in both languages, as a visitor (or a search engine) would, from / and /fr/.

Every same-site link of every public page is followed: none is broken, every page has its counterpart
in the other language (hreflang both ways, each answering 200), and a page in one language links only
to pages in that language, the switch aside. Downloads are checked to answer, not crawled; management
pages are not public.
"""

from __future__ import annotations

from urllib.parse import urldefrag

import pytest

from tests.pages import elements, parse, text_of

NOT_PAGES = ("/manage", "/materials/", "/static/", "/upload/", "/language/")  # /fr/manage too
MISSING = "/events/no-such-event"  # the deliberate missing page: it must be a 404 in both languages
LIMIT = 400  # the demo has a few dozen pages; more means a link generator runs away

# Links are markup: one database is enough.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True, scope="session")


def _site_path(href: str, public_url: str) -> str | None:
    """The same-site path (with its query) that a link leads to, or None for another site."""
    href = urldefrag(href).url
    if href.startswith(public_url + "/"):
        href = href[len(public_url) :]
    if not href.startswith("/") or href.startswith("//"):
        return None
    return href


def _is_page(path: str) -> bool:
    bare = path.removeprefix("/fr") or "/"
    return not bare.startswith(NOT_PAGES)


def _is_french(path: str) -> bool:
    return path == "/fr" or path.startswith(("/fr/", "/fr?"))


def crawl(client, public_url: str) -> dict[str, object]:  # noqa: ANN001
    """{path: parsed page} of every page reachable from / and /fr/; asserts each answers 200."""
    pages: dict[str, object] = {}
    downloads: set[str] = set()
    queue = ["/", "/fr/"]
    while queue:
        path = queue.pop()
        if path in pages:
            continue
        assert len(pages) < LIMIT, f"more than {LIMIT} pages: {sorted(pages)[-20:]}"
        response = client.get(path)
        assert response.status_code == 200, f"{path} answers {response.status_code}"
        assert response.headers["content-type"].startswith("text/html"), path
        root = pages[path] = parse(response.text)
        for link in elements(root, "a"):
            target = _site_path(link.get("href") or "", public_url)
            if target is None:
                continue
            if _is_page(target):
                queue.append(target)
            elif target.startswith("/materials/"):
                downloads.add(target)
    for path in sorted(downloads):
        assert client.head(path).status_code == 200, f"download {path} is broken"
    return pages


def alternates(root) -> dict[str, str]:  # noqa: ANN001
    return {
        link.get("hreflang"): link.get("href")
        for link in elements(root, "link")
        if link.get("rel") == "alternate" and link.get("hreflang")
    }


def test_both_languages_crawl_with_no_broken_link_and_every_page_paired(demo, client, settings):
    public_url = settings.public_url
    pages = crawl(client, public_url)
    french = [path for path in pages if _is_french(path)]
    assert len(french) >= 10 and len(pages) - len(french) >= 10, sorted(pages)

    problems = []  # all of them at once: one wrong template shows on many pages
    for path, root in sorted(pages.items()):
        declared = alternates(root)
        if set(declared) != {"en", "fr"}:
            problems.append(f"{path} declares {declared}")
            continue
        here = "fr" if _is_french(path) else "en"
        if _site_path(declared[here], public_url) != path:
            problems.append(f"{path} is not its own {here} alternate: {declared[here]}")
        for code, href in declared.items():
            other = _site_path(href, public_url)
            if not href.startswith(public_url + "/") or other is None:
                problems.append(f"{path}: the {code} alternate {href} is not an absolute address of the site")
                continue
            if other not in pages:
                response = client.get(other)
                if response.status_code != 200:
                    problems.append(f"{path}: its {code} alternate {other} answers {response.status_code}")
                    continue
                pages[other] = parse(response.text)
            if alternates(pages[other]) != declared:
                problems.append(f"{path} and {other} do not point to each other")

        # A page links within its own language; only the switch leads to the other one, its counterpart.
        for link in elements(root, "a"):
            target = _site_path(link.get("href") or "", public_url)
            if target is None or not _is_page(target):
                continue
            switch_to = link.get("hreflang")
            if switch_to and target != _site_path(declared.get(switch_to, ""), public_url):
                problems.append(f"{path}: the switch leads to {target}, not to its counterpart")
            elif not switch_to and _is_french(target) != (here == "fr"):
                problems.append(f"{path} ({here}) links to {target} ({text_of(link)!r})")
    assert problems == []


def test_the_missing_page_is_a_404_in_both_languages(demo, client):
    for path in (MISSING, f"/fr{MISSING}"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert parse(response.text).get("lang") == ("fr" if path.startswith("/fr/") else "en")
