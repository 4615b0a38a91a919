"""Accessibility in Chromium: axe-core finds nothing serious or critical, and the keyboard reaches
every link and the search box, each showing where the focus is.

axe-core comes from the axe-playwright-python package, which bundles axe.min.js (no npm needed);
it is injected into each page and run there, offline.
"""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from browsertools import PageWatch, Site, pages_to_show
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

EXTRA_PAGES = {"outlets index": "outlets/index.html", "years index": "years/index.html",
               "home page 2": "page/2/index.html", "404": "404.html"}

_FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])"

# Number every focusable element, so the element focused after each Tab can be named.
_NUMBER_JS = """selector => Array.from(document.querySelectorAll(selector)).map((e, i) => {
  e.dataset.kb = String(i);
  return {i, tag: e.tagName.toLowerCase(), type: e.getAttribute('type'),
          text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 40),
          href: e.getAttribute('href'), hidden: e.offsetParent === null && e.tagName !== 'BODY'};
})"""

# How the focused element is drawn; compared with the same element unfocused.
_LOOK_JS = """e => {
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {outline: s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0 ? 'none'
            : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
          shadow: s.boxShadow, background: s.backgroundColor, color: s.color,
          decoration: s.textDecorationLine + ' ' + s.textDecorationThickness,
          onScreen: r.width > 0 && r.height > 0 && r.bottom > -1 && r.right > -1
                    && r.left < window.innerWidth};
}"""


def shown_pages(site: Site) -> dict[str, str]:
    extra = {name: path for name, path in EXTRA_PAGES.items() if (site.out / path).is_file()}
    return {**pages_to_show(site.out), **extra}


def serious_violations(page: Page) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(serious or critical violations, all violations) from axe-core run on the page."""
    page.add_script_tag(content=AXE_SCRIPT)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations: list[dict[str, Any]] = result["violations"]
    return [v for v in violations if v["impact"] in ("serious", "critical")], violations


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(
            f"    {n['target']}: {n.get('failureSummary', '').splitlines()[-1:]}"
            for n in v["nodes"][:5])
        for v in violations)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious(browser: Browser, served_site: Site, scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
    watch = PageWatch(context.new_page(), served_site)
    failures, report = [], []
    for name, path in shown_pages(served_site).items():
        watch.goto(served_site.url(path))
        serious, every = serious_violations(watch.page)
        report.append(f"{name} ({scheme}): {len(serious)} serious/critical, {len(every)} in all"
                      + (f"\n{describe(every)}" if every else ""))
        if serious:
            failures.append(f"{path} ({scheme}):\n{describe(serious)}")
    context.close()
    print("\n" + "\n".join(report))
    assert not failures, "\n".join(failures)


def tab_through(page: Page) -> list[dict[str, Any]]:
    """Press Tab from the top until the focus leaves the page or comes round again."""
    elements = page.evaluate(_NUMBER_JS, _FOCUSABLE)
    reached: list[dict[str, Any]] = []
    for _ in range(len(elements) + 3):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        number = focused.evaluate("e => e.dataset.kb ?? null")
        if number is None or any(r["i"] == int(number) for r in reached):
            break
        reached.append({**elements[int(number)], "focused": focused.evaluate(_LOOK_JS)})
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for row in reached:
        row["unfocused"] = page.locator(f"[data-kb='{row['i']}']").evaluate(_LOOK_JS)
    return reached


@pytest.mark.parametrize("width", [390, 1280])
def test_keyboard_reaches_every_link_with_visible_focus(browser: Browser, served_site: Site,
                                                        width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    watch = PageWatch(context.new_page(), served_site)
    problems = []
    for name, path in shown_pages(served_site).items():
        watch.goto(served_site.url(path))
        links = watch.page.evaluate(
            "() => Array.from(document.querySelectorAll('a[href]')).map(a => a.dataset.kb)")
        searches = watch.page.locator("input[type=search]").count()
        reached = tab_through(watch.page)
        tags = [f"{r['tag']}[{r['type']}]" if r["tag"] == "input" else r["tag"] for r in reached]
        missing = len(links) - tags.count("a")
        if missing:
            problems.append(f"{name}: {missing} of {len(links)} links never get the focus")
        if searches and "input[search]" not in tags:
            problems.append(f"{name}: the search box never gets the focus")
        for row in reached:
            focused, unfocused = row["focused"], row["unfocused"]
            what = f"{name}: <{row['tag']}> {row['text']!r}"
            if not focused["onScreen"]:
                problems.append(f"{what} is off screen when focused")
            elif focused["outline"] == "none" and focused["shadow"] == unfocused["shadow"]:
                problems.append(f"{what}: no outline or shadow when focused ({focused})")
    context.close()
    assert not problems, "\n".join(problems)
