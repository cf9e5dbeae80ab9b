"""The seed data browsed end to end in a real Chromium, in Korean and English, wide and narrow.

Screenshots go to $TEST_ARTIFACTS (default test-artifacts/). Without /usr/bin/chromium the test
skips, unless BIONET_REQUIRE_BROWSER=1 (as in CI), where a missing browser is a failure.
"""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}


@pytest.fixture
def seeded(transactional_db):
    """The seed data, committed so that the live server's thread sees it."""
    call_command("loaddata", "tests/data/seed.json", verbosity=0)
    call_command("refresh_mentions", verbosity=0)


@pytest.fixture
def artifacts() -> Path:
    path = Path(os.environ.get("TEST_ARTIFACTS") or "test-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def shoot(page, artifacts: Path, name: str):
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def policy_violations(page) -> list[str]:
    """Collects what the Content-Security-Policy blocks on this page, as Chromium reports it."""
    violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and violations.append(f"{page.url}: {message.text}")
        ),
    )
    return violations


def assert_fits_the_viewport(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_a_visitor_browses_filters_and_switches_to_english(browser, live_server, seeded, artifacts):
    context = browser.new_context(viewport=WIDE, locale="ko-KR")
    page = context.new_page()
    violations = policy_violations(page)

    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "한국 바이오산업, 누가 누구와 함께하나"
    assert page.locator(".stats").inner_text().split() == [
        "34", "기관", "10", "클러스터", "7", "협약", "5", "뉴스",
    ]  # fmt: skip
    shoot(page, artifacts, "01-home-ko-wide")

    page.locator(".cluster-grid").get_by_role("link", name="서울바이오허브").click()
    page.wait_for_url("**/clusters/seoul-bio-hub/")
    assert "서울바이오허브" in page.locator("h1").inner_text()
    assert page.locator("#members h3").all_inner_texts() == ["지방자치단체", "기업"]
    assert page.locator("svg.korea-map .map-point").count() == 1
    shoot(page, artifacts, "02-cluster-ko-wide")

    page.locator("#overview").get_by_role("link", name="한국보건산업진흥원").click()
    page.wait_for_url("**/organizations/khidi/")
    assert page.locator("#facts").get_by_text("보산진").is_visible()
    assert page.locator("#partners tbody tr").count() == 19
    shoot(page, artifacts, "03-organization-ko-wide")

    page.locator("#agreements").get_by_role("link", name=re.compile("공동의향서")).click()
    page.wait_for_url(re.compile(r"/agreements/\d+/$"))
    assert page.locator("#facts time").inner_text() == "2022년 3월 11일"
    assert page.locator("#parties li").count() == 3
    shoot(page, artifacts, "04-agreement-ko-wide")

    page.get_by_role("navigation", name="주 메뉴").get_by_role("link", name="협약").click()
    page.get_by_label("유형", exact=True).select_option("event")
    page.get_by_role("button", name="적용").click()
    page.wait_for_url(re.compile(r"kind=event"))
    assert page.locator(".result-count").inner_text() == "결과 2건 중 1–2"
    titles = page.locator(".agreement-card h3 .name").all_inner_texts()
    assert len(titles) == 2 and titles[0].startswith("BOSTON-SEOUL")
    shoot(page, artifacts, "05-agreements-filtered-ko-wide")

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert "/agreements/?" in page.url and "kind=event" in page.url  # back on the same list
    assert page.locator("h1").inner_text() == "Agreements"
    assert page.locator(".result-count").inner_text() == "2 results, showing 1–2"
    assert page.locator(".agreement-card .badge-kind").first.inner_text() == "Event or forum"
    assert page.locator(".agreement-card time").first.inner_text() == "November 7, 2024"
    shoot(page, artifacts, "06-agreements-filtered-en-wide")

    page.goto(live_server.url + "/organizations/khidi/")
    assert page.locator("h1 .name").inner_text() == "Korea Health Industry Development Institute"
    assert page.locator("h1 .other-name").inner_text() == "한국보건산업진흥원"
    shoot(page, artifacts, "07-organization-en-wide")
    assert violations == []
    context.close()


@pytest.mark.parametrize("language", ["ko", "en"])
def test_pages_fit_a_phone_screen(browser, live_server, seeded, artifacts, language):
    context = browser.new_context(viewport=NARROW, locale=language, is_mobile=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    violations = policy_violations(page)
    for name, path in [
        ("home", "/"),
        ("clusters", "/clusters/"),
        ("cluster", "/clusters/seoul-bio-hub/"),
        ("organizations", "/organizations/"),
        ("organization", "/organizations/khidi/"),
        ("agreements", "/agreements/"),
        ("news", "/news/"),
        ("search", "/search/?q=산업진흥"),
    ]:
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language
        assert_fits_the_viewport(page)
        shoot(page, artifacts, f"narrow-{name}-{language}")
    assert violations == []
    context.close()


def test_a_clusters_facts_keep_whole_words_in_english(browser, live_server, seeded, artifacts):
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"{live_server.url}/en/clusters/osong-medical-complex/")
    shoot(page, artifacts, "cluster-overview-en")
    # Each fact's widest word fits its column: nothing breaks "Innovatio/n" or "Chungche/ong".
    narrowest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('#overview .facts dd')]
            .map(dd => dd.clientWidth))"""
    )
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('#overview .facts dd')]
            .filter(dd => dd.scrollWidth > dd.clientWidth).length"""
    )
    assert narrowest >= 160 and overflowing == 0
