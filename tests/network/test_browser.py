"""The network pages in a real Chromium: the drawing shows, its nodes lead to their pages,
and nothing needs JavaScript. Screenshots go to $TEST_ARTIFACTS (default: test-artifacts/)."""

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    # No JavaScript at all: the pages must work without it. In Korean, the site's first
    # language, whose addresses have no language prefix.
    context = browser.new_context(
        java_script_enabled=False, locale="ko-KR", viewport={"width": 1100, "height": 900}
    )
    yield context.new_page()
    context.close()


def screenshot(page, name):
    folder = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_network_page_draws_the_seed_network_and_links_its_nodes(seed, live_server, page):
    page.goto(f"{live_server.url}/network/")

    drawing = page.locator("svg.network-graph")
    assert drawing.is_visible()
    box = drawing.bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    assert page.locator("svg.network-graph a.network-node").count() >= 20
    assert page.locator(".network-legend li").count() >= 3
    screenshot(page, "network")

    ministry = page.locator(
        "svg.network-graph a[href='/organizations/ministry-of-health-and-welfare/']"
    )
    assert ministry.count() == 1
    assert ministry.locator("circle").is_visible()


def test_path_finder_works_without_javascript(seed, live_server, page):
    page.goto(f"{live_server.url}/network/path/")
    page.fill("#id_source", "KHIDI")
    page.fill("#id_target", "보건복지부")
    page.locator("form", has=page.locator("#id_target")).locator("button[type=submit]").click()

    assert page.locator(".network-chain a.network-agreement").first.inner_text() != ""
    screenshot(page, "network-path")


def test_ego_network_page_rings_the_organization(seed, live_server, page):
    page.goto(f"{live_server.url}/network/organizations/khidi/?steps=2")

    assert page.locator("svg.network-graph a.network-ego").count() == 1
    assert page.locator("table.network-ranks tbody tr").count() == 4
    screenshot(page, "network-ego")
