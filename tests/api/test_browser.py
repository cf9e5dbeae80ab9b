"""The API documentation and the pages' JSON-LD in a real Chromium, under the site's
Content-Security-Policy (no inline script or style, nothing from another site).

Without /usr/bin/chromium the tests skip, unless BIONET_REQUIRE_BROWSER=1 (as in CI).
"""

import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(transactional_db):
    """The seed data, committed so that the live server's thread sees it."""
    call_command("loaddata", "tests/data/seed.json", verbosity=0)


@pytest.fixture
def artifacts() -> Path:
    path = Path(os.environ.get("TEST_ARTIFACTS") or "test-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def watch(page) -> tuple[list[str], list[str]]:
    """What the Content-Security-Policy blocks on the page, and every request it makes."""
    violations, requests = [], []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: violations.append(f"script error: {error}"))
    page.on("request", lambda request: requests.append(request.url))
    return violations, requests


def test_the_docs_render_every_endpoint_from_this_site_only(
    browser, live_server, seeded, artifacts
):
    page = browser.new_page()
    violations, requests = watch(page)

    page.goto(live_server.url + "/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Bionet API" in page.locator(".swagger-ui .info .title").inner_text()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    for path in ["/api/organizations/", "/api/clusters/", "/api/agreements/", "/api/news/"]:
        assert path in paths
    assert "/api/organizations/{slug}/" in [p.replace("\u200b", "") for p in paths]

    # "Try it out" on the organization list: the request goes to this site and answers.
    page.locator("#operations-organizations-organizations_list .opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().split()[0] == "200"
    page.screenshot(path=str(artifacts / "api-docs.png"), full_page=True)

    assert violations == []
    assert [url for url in requests if not url.startswith(live_server.url)] == []
    page.close()


@pytest.mark.parametrize(
    ("path", "kind"),
    [("/organizations/khidi/", "Organization"), ("/clusters/osong-medical-complex/", "Place")],
)
def test_a_page_carries_json_ld_without_a_policy_violation(
    browser, live_server, seeded, path, kind
):
    # A Korean reader at the plain (Korean) address: the block names that address.
    page = browser.new_page(locale="ko-KR")
    violations, _requests = watch(page)

    page.goto(live_server.url + path)
    block = page.locator('script[type="application/ld+json"]')
    assert block.count() == 1
    data = json.loads(block.text_content())
    assert data["@type"] == kind
    assert data["url"] == live_server.url + path

    assert violations == []
    page.close()
