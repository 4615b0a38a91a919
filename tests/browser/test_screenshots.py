"""Screenshots of the pages people look at most, at a phone and a desktop width, light and dark.

Saved under build-screenshots/ (git-ignored) for people to look at. The test also asserts what a
screenshot cannot prove by itself: nothing scrolls sideways at 390 px, and nothing jumps while
the page loads (cumulative layout shift).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browsertools import PageWatch, Site, pages_to_show
from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

# Sum of layout-shift entries (no user input) since navigation started, as web-vitals counts CLS.
_CLS_JS = """window.__layoutShift = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__layoutShift += entry.value;
}).observe({type: 'layout-shift', buffered: true});"""

# Elements reaching past the right edge of the viewport, to say what overflows.
_WIDE_JS = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
    + ' right=' + Math.round(e.getBoundingClientRect().right))"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots(browser: Browser, served_site: Site, screenshots: Path,
                     width: int, scheme: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 600 else 900},
                                  color_scheme=scheme)  # type: ignore[arg-type]
    context.add_init_script(_CLS_JS)
    watch = PageWatch(context.new_page(), served_site)
    problems = []
    for name, path in pages_to_show(served_site.out).items():
        watch.goto(served_site.url(path))
        page = watch.page
        page.wait_for_timeout(200)  # let late layout shifts be reported
        page.screenshot(path=screenshots / f"{name}-{width}-{scheme}.png", full_page=True)
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll_width > inner_width:
            problems.append(f"{path} at {width}px scrolls sideways: {scroll_width} > "
                            f"{inner_width}; {page.evaluate(_WIDE_JS)}")
        shift = page.evaluate("window.__layoutShift")
        if shift > 0.05:
            problems.append(f"{path} at {width}px: layout shift {shift:.3f} while loading")
        problems += [f"{path}: {p}" for p in watch.problems + watch.link_problems()]
        watch.problems.clear()
    context.close()
    assert not problems, "\n".join(problems)
