"""End to end in a real headless Chromium (Debian's `chromium`, driven by Playwright):
a newcomer on the demo shop searches, opens a component, its blast radius map, and clicks
through to an affected environment. Screenshots land in test-artifacts/web/; any console
error fails the test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from app.admin import demo
from app.cli.catalogs import LocalCatalog

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts" / "web"
CHROMIUM = "/usr/bin/chromium"
#: Headless on a machine whose only network is loopback: no background connections.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists() or shutil.which("chromium"), (
        "Chromium is missing: scripts/ensure-system-deps installs it (apt-get install chromium)"
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def shop_url(base_url, graph) -> str:
    demo.load(LocalCatalog(graph))
    return base_url


@pytest.fixture
def page(browser) -> Iterator[Page]:
    """A fresh page that records every console error and uncaught exception."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda e: errors.append(str(e)))
    opened.console_errors = errors
    yield opened
    context.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def click_map_node(page: Page, node_id: str) -> None:
    """Click where the interactive map draws node `node_id`, as a person would."""
    page.wait_for_selector("#map[data-ready=true]")
    where = page.evaluate(
        """id => {
            const cy = window.mercatorMap;
            cy.fit(undefined, 40);
            const node = cy.getElementById(id);
            const box = document.getElementById('map').getBoundingClientRect();
            const at = node.renderedPosition();
            return {x: box.left + at.x, y: box.top + at.y};
        }""",
        node_id,
    )
    page.mouse.click(where["x"], where["y"])


def test_search_component_blast_radius_map_then_an_affected_environment(shop_url, page):
    page.goto(shop_url + "/")
    shot(page, "1-home")
    page.fill("#q", "payment")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=payment")
    shot(page, "2-search")

    page.get_by_role("link", name="payment", exact=True).click()
    page.wait_for_url("**/components/payment")
    assert page.locator("h1").inner_text().startswith("payment")
    assert "payments-oncall" in page.inner_text("main")
    shot(page, "3-component")

    page.get_by_role("link", name="What breaks if payment changes?").click()
    page.wait_for_url("**/components/payment/blast-radius")
    page.wait_for_selector("#map[data-ready=true]")
    assert page.evaluate("window.mercatorMap.nodes().length") >= 6
    highlighted = page.evaluate("window.mercatorMap.edges('.path').length")
    assert highlighted >= 2  # checkout -> payment, frontend -> checkout
    calls = page.locator("section:has(#call-title)").inner_text()
    assert "payments-oncall" in calls and "storefront-oncall" in calls
    shot(page, "4-blast-radius")

    page.select_option("#map-colour", "environment")
    assert "prod" in page.locator("#map-legend").inner_text()
    with page.expect_download() as download:
        page.click("#map-png")
    png = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename.endswith(".png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000

    click_map_node(page, "env:prod")
    page.wait_for_url("**/environments/prod")
    assert page.locator("h1").inner_text().startswith("prod")
    assert "payment" in page.locator("section:has(#inventory-title)").inner_text()
    shot(page, "5-environment")

    assert page.console_errors == []


def test_keyboard_reaches_the_skip_link_first_and_search_works_from_it(shop_url, page):
    page.goto(shop_url + "/components/payment")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.focus("#q")
    page.keyboard.type("checkout")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=checkout")
    assert page.console_errors == []


def test_pages_fit_a_phone_screen(shop_url, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    errors: list[str] = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    phone.on("pageerror", lambda e: errors.append(str(e)))
    try:
        for path, name in (
            ("/", "phone-home"),
            ("/components/payment", "phone-component"),
            ("/components/payment/blast-radius", "phone-blast-radius"),
            ("/environments/prod?compare=staging", "phone-environment"),
            ("/applications/shop/versions/1.0.8", "phone-application-version"),
        ):
            phone.goto(shop_url + path)
            # Nothing but the tables' own scrolling boxes is wider than the screen.
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
            shot(phone, name)
    finally:
        context.close()
    assert errors == []
