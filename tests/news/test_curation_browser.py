"""A curator's whole way from an article's address to a published agreement, in Chromium.

Import the article from its address (a local test server), review the proposed parties,
create the draft, meet it as the likely duplicate when drafting again, publish it, and find it
on the public pages. Screenshots go to $TEST_ARTIFACTS (default test-artifacts/).
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command

from agreements.models import Agreement

pytestmark = pytest.mark.browser

ARTICLE = "biohealth_article.html"
TITLE = "오송재단·대구경북첨복재단 공동연구 업무협약"


@pytest.fixture
def curator_account(transactional_db):
    """The seed data and a curator who may publish, committed so that the live server's
    thread sees them. (Another browser test may have emptied the tables before, the groups the
    migrations made included: the account holds the publishing permissions itself.)"""
    call_command("loaddata", "tests/data/seed.json", verbosity=0)
    user = User.objects.create_user("curator", password="curator-password", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["orgs", "news", "agreements"])
    )
    return user


def shoot(page, name: str):
    folder = Path(os.environ.get("TEST_ARTIFACTS") or "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"curation-{name}.png"), full_page=True)


def test_a_curator_imports_drafts_checks_duplicates_and_publishes(
    browser, live_server, curator_account, saved_pages_server, settings, run_tasks
):
    settings.NEWS_FETCH_ALLOW_PRIVATE_ADDRESSES = True  # the test's news site is on 127.0.0.1
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="ko-KR").new_page()
    blocked = []
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", "curator-password")
    page.click("input[type=submit]")
    assert page.locator("#review-queue").is_visible()

    # Import the article from its address: fetched by the worker while the page waits, then
    # its change page, names highlighted.
    page.goto(f"{live_server.url}/admin/news/newsitem/import/")
    page.fill("#id_url", saved_pages_server.url(ARTICLE))
    page.click("input[type=submit]")
    page.wait_for_selector("meta[http-equiv=refresh]", state="attached")
    run_tasks()  # what the worker beside the server does
    page.wait_for_selector(".mention-legend")
    assert page.locator("mark.mention-organization").count() >= 2
    shoot(page, "1-imported")

    # The draft form proposes both foundations as signatories.
    page.click("text=이 뉴스로 협약 등록")
    page.wait_for_selector("#parties")
    for name in ("오송첨단의료산업진흥재단", "대구경북첨단의료산업진흥재단"):
        row = page.locator("#parties tr", has_text=name).first
        assert row.locator("input[type=checkbox]").is_checked()
        assert row.locator("select").input_value() == "signatory"
    assert page.locator("#id_kind").input_value() == "mou"
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", "두 재단이 신약 개발 공동연구와 장비 공동 활용에 합의했다.")
    shoot(page, "2-draft-form")
    page.click("input[type=submit][value='협약 초안 만들기']")
    page.wait_for_selector(".messagelist")
    assert "협약 초안" in page.locator(".messagelist").inner_text()
    agreement = Agreement.objects.get(title=TITLE)
    assert agreement.review_status == "draft"
    assert agreement.date.isoformat() == "2024-11-11"

    # Drafting again from the same article meets the draft as the likely same event.
    page.click("text=이 뉴스로 협약 등록")
    draft_row = page.locator("#same-event tr", has_text=TITLE)
    assert draft_row.count() == 1
    assert draft_row.locator("button", has_text="이 기사를 출처로 추가").is_visible()
    shoot(page, "3-same-event")

    # Not public until published.
    assert page.goto(f"{live_server.url}{agreement.get_absolute_url()}").status == 404
    page.goto(f"{live_server.url}/admin/agreements/agreement/?review_status__exact=draft")
    page.check(f"input[name=_selected_action][value='{agreement.pk}']")
    page.select_option("select[name=action]", "publish_selected")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist")
    shoot(page, "4-published")

    assert page.goto(f"{live_server.url}{agreement.get_absolute_url()}").status == 200
    assert TITLE in page.locator("h1").inner_text()
    page.goto(f"{live_server.url}/agreements/")
    assert page.locator("text=" + TITLE).count() >= 1
    shoot(page, "5-public")
    assert blocked == []
