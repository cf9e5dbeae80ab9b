"""The curators' news tools in the admin: import, highlighted mentions, new names, drafts."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements.models import Agreement
from news import services
from news.models import NewsItem
from orgs.models import Organization
from tests.factories import NewsItemFactory, OrganizationFactory, OrganizationNameFactory

pytestmark = pytest.mark.django_db

SEEDS = sorted((Path(__file__).parent.parent / "data" / "seeds").glob("*.txt"))


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/plain")


def test_the_changelist_links_to_the_import(admin_client):
    response = admin_client.get(reverse("admin:news_newsitem_changelist"))
    assert reverse("admin:news_newsitem_import") in response.content.decode()


def test_uploading_articles_imports_them(admin_client):
    response = admin_client.post(
        reverse("admin:news_newsitem_import"), {"files": [upload(p) for p in SEEDS[:2]]}
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:news_newsitem_changelist")
    assert NewsItem.objects.count() == 2


def test_a_bad_upload_shows_the_error_and_saves_nothing(admin_client):
    bad = SimpleUploadedFile("euc.txt", "기사 본문".encode("euc-kr"))
    response = admin_client.post(
        reverse("admin:news_newsitem_import"), {"files": [upload(SEEDS[0]), bad]}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "euc.txt: not UTF-8" in content
    assert NewsItem.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        # PostgreSQL cannot store a NUL character: refused before anything is saved.
        ("nul.txt", SEEDS[0].read_bytes().replace("바이오".encode(), "바이\x00오".encode()), "NUL"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64, "UTF-8"),
        ("huge.txt", SEEDS[0].read_bytes() + b"x" * (20 * 1024 * 1024), "larger than 1 MB"),
    ],
)
def test_a_binary_or_oversized_upload_is_refused_by_name_and_saves_nothing(
    admin_client, name, data, message
):
    response = admin_client.post(
        reverse("admin:news_newsitem_import"),
        {"files": [upload(SEEDS[1]), SimpleUploadedFile(name, data)]},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(error.startswith(f"{name}: ") and message in error for error in errors["files"])
    assert NewsItem.objects.count() == 0


def test_the_change_page_highlights_and_links_the_mentions(admin_client):
    snuh = OrganizationFactory(name_ko="서울대학교병원")
    OrganizationNameFactory(organization=snuh, name="서울대병원", kind="short", language="ko")
    item = NewsItemFactory(body="<script>alert(1)</script> 서울대병원은 행사를 열었다.")
    services.mentions_refresh(news_items=[item])
    response = admin_client.get(reverse("admin:news_newsitem_change", args=[item.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    org_url = reverse("admin:orgs_organization_change", args=[snuh.pk])
    assert (
        f'<mark class="mention mention-organization"><a href="{org_url}" title="서울대학교병원">'
        "서울대병원</a></mark>" in content
    )
    assert 'class="mention-legend"' in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>alert(1)</script>" not in content
    assert reverse("admin:agreements_agreement_from_news", args=[item.pk]) in content


def test_the_change_page_stays_within_a_fixed_number_of_queries(
    admin_client, django_assert_max_num_queries
):
    organizations = [OrganizationFactory(name_ko=f"테스트진흥원{n}") for n in range(20)]
    item = NewsItemFactory(body=" ".join(f"{org.name_ko}은" for org in organizations))
    services.mentions_refresh(news_items=[item])
    assert item.mentions.count() == 20
    with django_assert_max_num_queries(30):
        response = admin_client.get(reverse("admin:news_newsitem_change", args=[item.pk]))
    assert response.status_code == 200


def test_the_change_page_lists_names_to_add(admin_client):
    item = NewsItemFactory(body="SBA(서울산업진흥원, 대표이사)와 업무 협약을 체결했다.")
    response = admin_client.get(reverse("admin:news_newsitem_change", args=[item.pk]))
    content = response.content.decode()
    assert "서울산업진흥원" in content
    create_url = reverse("admin:news_newsitem_organization", args=[item.pk])
    assert f"{create_url}?name=%EC%84%9C%EC%9A%B8" in content
    assert "abbreviation=SBA" in content


def test_creating_an_organization_from_a_name_adds_it_with_its_abbreviation(admin_client):
    item = NewsItemFactory(body="SBA(서울산업진흥원)와 협약")
    url = reverse("admin:news_newsitem_organization", args=[item.pk])
    response = admin_client.get(
        url, {"name": "서울산업진흥원", "kind": "public_agency", "abbreviation": "SBA"}
    )
    assert response.status_code == 200
    assert 'value="서울산업진흥원"' in response.content.decode()
    response = admin_client.post(
        url, {"name": "서울산업진흥원", "kind": "public_agency", "abbreviation": "SBA"}
    )
    organization = Organization.objects.get(name_ko="서울산업진흥원")
    assert response.status_code == 302
    # Back to the news item, where the next name or the agreement waits.
    assert response.url == reverse("admin:news_newsitem_change", args=[item.pk])
    assert organization.slug == "seoulsaneopjinheungwon"
    assert organization.review_status == "draft"
    assert list(organization.names.values_list("name", "kind")) == [("SBA", "acronym")]
    assert list(item.mentions.values_list("organization", flat=True)) == [organization.pk] * 2


def test_a_name_the_directory_knows_is_not_created_twice(admin_client, in_english):
    OrganizationFactory(name_ko="서울산업진흥원")
    item = NewsItemFactory()
    response = admin_client.post(
        reverse("admin:news_newsitem_organization", args=[item.pk]),
        {"name": "서울산업진흥원", "kind": "public_agency"},
    )
    assert response.status_code == 200
    assert "already knows" in response.content.decode()
    assert Organization.objects.filter(name_ko="서울산업진흥원").count() == 1


def draft_page(client, item):
    return client.get(reverse("admin:agreements_agreement_from_news", args=[item.pk]))


def draft_data(page, **fields):
    """The draft form as the page offers it, with ``fields`` changed; ``parties`` (a dict of
    organization pk -> role) ticks exactly those."""
    parties = fields.pop("parties", None)
    form, formset = page.context["form"], page.context["parties"]
    data = {
        "title": form.initial["title"],
        "kind": form.initial["kind"],
        "status": "concluded",
        "stated_date": form.initial["stated_date"],
        "parties-TOTAL_FORMS": str(len(formset.forms)),
        "parties-INITIAL_FORMS": str(len(formset.forms)),
        **fields,
    }
    for index, row in enumerate(formset.forms):
        pk = row.initial["organization"]
        data[f"parties-{index}-organization"] = pk
        data[f"parties-{index}-role"] = (parties or {}).get(pk, row.initial["role"])
        if (pk in parties) if parties is not None else row.initial["include"]:
            data[f"parties-{index}-include"] = "on"
    return data


def test_the_agreement_draft_is_prefilled_from_the_news_item(admin_client, seed):
    services.mentions_refresh()
    item = NewsItem.objects.get(title__startswith="보산진")
    response = draft_page(admin_client, item)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == item.title
    assert form.initial["kind"] == "event"
    proposed = {
        row.named.name_ko: (row.initial["include"], row.initial["role"])
        for row in response.context["parties"].forms
    }
    # The hosts are ticked with their role; the venue is listed, unticked.
    assert proposed["한국보건산업진흥원"] == (True, "host")
    # The article also reports its designation, where it is the designee: either is its role.
    assert proposed["서울대학교병원"] in [(True, "host"), (True, "designee")]
    assert proposed["캠브리지 혁신 센터"][0] is False
    chosen = form.dates[int(form.initial["stated_date"])]
    assert (chosen.stated, chosen.date, chosen.precision) == (
        "지난 7일(현지시간)",
        datetime.date(2024, 11, 7),
        "day",
    )


def test_creating_the_agreement_cites_the_news_item_with_its_date(admin_client, seed):
    services.mentions_refresh()
    item = NewsItem.objects.get(title__startswith="보산진")
    page = draft_page(admin_client, item)
    khidi = Organization.objects.get(name_ko="한국보건산업진흥원")
    snuh = Organization.objects.get(name_ko="서울대학교병원")
    response = admin_client.post(
        reverse("admin:agreements_agreement_from_news", args=[item.pk]),
        draft_data(
            page, title="보스턴-서울 바이오&AI 나이트", parties={khidi.pk: "host", snuh.pk: "host"}
        ),
    )
    agreement = Agreement.objects.get(title="보스턴-서울 바이오&AI 나이트")
    assert response.status_code == 302
    assert response.url == reverse("admin:news_newsitem_change", args=[item.pk])
    assert agreement.review_status == "draft"
    assert list(agreement.sources.all()) == [item]
    assert set(agreement.parties.values_list("organization__name_ko", "role")) == {
        ("한국보건산업진흥원", "host"),
        ("서울대학교병원", "host"),
    }
    assert (agreement.date, agreement.date_precision, agreement.date_stated) == (
        datetime.date(2024, 11, 7),
        "day",
        "지난 7일(현지시간)",
    )
    assert "2024.11.11" in agreement.date_basis


def test_without_a_publication_date_the_month_and_day_stay_and_the_year_is_unknown(
    admin_client, seed
):
    services.mentions_refresh()
    item = NewsItem.objects.get(title__startswith="마곡산업단지")
    admin_client.post(
        reverse("admin:agreements_agreement_from_news", args=[item.pk]),
        draft_data(draft_page(admin_client, item), title="산학협력 업무 협약"),
    )
    agreement = Agreement.objects.get(title="산학협력 업무 협약")
    assert (agreement.date.month, agreement.date.day, agreement.date_precision) == (
        5,
        22,
        "month_day",
    )
    assert agreement.date_stated == "5월 22일"
    assert agreement.date_display() == "5월 22일 (연도 미상)"
    assert agreement.date_iso == "05-22"


def test_the_curator_adds_the_year_with_its_basis(admin_client, seed):
    services.mentions_refresh()
    item = NewsItem.objects.get(title__startswith="마곡산업단지")
    page = draft_page(admin_client, item)
    url = reverse("admin:agreements_agreement_from_news", args=[item.pk])

    refused = admin_client.post(url, draft_data(page, title="산학협력 업무 협약", year="2019"))
    assert refused.status_code == 200
    assert "year_basis" in refused.context["form"].errors

    admin_client.post(
        url,
        draft_data(
            page,
            title="산학협력 업무 협약",
            year="2019",
            year_basis="다른 매체가 같은 보도자료를 2019-05-22에 보도",
        ),
    )
    agreement = Agreement.objects.get(title="산학협력 업무 협약")
    assert (agreement.date, agreement.date_precision) == (datetime.date(2019, 5, 22), "day")
    assert "2019-05-22에 보도" in agreement.date_basis


def test_the_draft_proposes_the_parties_the_article_states_not_its_venue_or_city(
    admin_client, seed
):
    services.mentions_refresh()
    item = NewsItem.objects.get(title__startswith="마곡산업단지")
    rows = draft_page(admin_client, item).context["parties"].forms
    ticked = {row.named.name_ko for row in rows if row.initial["include"]}
    assert {"서울산업진흥원", "이화여자대학교의료원", "이화여자대학교 산학협력단"} <= ticked
    assert "이대서울병원" not in ticked
    venue = next(row for row in rows if row.named.name_ko == "이대서울병원")
    assert venue.proposal.reason == "venue" and "대강당" in venue.proposal.sentence


def test_an_existing_agreement_citing_the_item_is_offered_instead_of_a_second_one(
    admin_client, seed
):
    services.mentions_refresh()
    item = NewsItem.objects.get(title__startswith="마곡산업단지")
    existing = Agreement.objects.get(sources=item)
    page = draft_page(admin_client, item)
    assert list(page.context["same_event"]) == [existing]
    cite = reverse("admin:agreements_agreement_cite", args=[existing.pk, item.pk])
    assert cite in page.content.decode()


def test_citing_the_item_in_an_existing_agreement_adds_a_source_and_returns(admin_client, seed):
    item = NewsItemFactory(title="같은 협약, 다른 매체")
    existing = Agreement.objects.get(title__startswith="바이오 특화 서울")
    response = admin_client.post(
        reverse("admin:agreements_agreement_cite", args=[existing.pk, item.pk])
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:news_newsitem_change", args=[item.pk])
    assert item in existing.sources.all()
    assert Agreement.objects.filter(title__startswith="바이오 특화 서울").count() == 1


def test_an_agreement_draft_with_one_party_is_refused(admin_client, in_english):
    organization = OrganizationFactory(name_ko="한국보건산업진흥원")
    item = NewsItemFactory(body="한국보건산업진흥원은 행사를 열었다.")
    services.mentions_refresh(news_items=[item])
    page = draft_page(admin_client, item)
    response = admin_client.post(
        reverse("admin:agreements_agreement_from_news", args=[item.pk]),
        draft_data(page, title="행사", parties={organization.pk: "host"}),
    )
    assert response.status_code == 200
    assert "at least two organizations" in response.content.decode()
    assert not Agreement.objects.exists()


def test_an_unknown_news_item_redirects_with_a_message(admin_client):
    response = admin_client.get(reverse("admin:agreements_agreement_from_news", args=[999]))
    assert response.status_code == 302


def test_staff_without_the_permission_cannot_draft_or_import(client):
    user = User.objects.create_user("viewer", password="pw", is_staff=True)
    client.force_login(user)
    item = NewsItemFactory()
    assert client.get(reverse("admin:news_newsitem_import")).status_code == 403
    assert draft_page(client, item).status_code in (302, 403)


def test_a_curator_can_import_and_draft(client):
    user = User.objects.create_user("curator", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    client.force_login(user)
    item = NewsItemFactory()
    assert client.get(reverse("admin:news_newsitem_import")).status_code == 200
    assert draft_page(client, item).status_code == 200


def test_an_article_is_fetched_by_a_task_while_the_page_waits_for_it(
    admin_client, saved_pages_server, settings, run_tasks
):
    settings.NEWS_FETCH_ALLOW_PRIVATE_ADDRESSES = True  # the test's news site is on 127.0.0.1
    url = saved_pages_server.url("biohealth_article.html")

    response = admin_client.post(reverse("admin:news_newsitem_import"), {"url": url})

    assert response.status_code == 302
    waiting = admin_client.get(response.url)
    assert waiting.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in waiting.content.decode()
    assert url in waiting.content.decode()
    assert not NewsItem.objects.exists()

    run_tasks()
    done = admin_client.get(response.url)

    item = NewsItem.objects.get()
    assert done.status_code == 302
    assert done.url == reverse("admin:news_newsitem_change", args=[item.pk])
    assert (item.outlet, item.published_on, item.url) == (
        "바이오헬스뉴스",
        datetime.date(2024, 11, 11),
        url,
    )
    assert item.title.startswith("오송재단·대구경북첨복재단")


def test_a_private_address_is_refused_with_its_reason(admin_client, in_english, run_tasks):
    response = admin_client.post(
        reverse("admin:news_newsitem_import"), {"url": "http://127.0.0.1:9/article"}
    )
    run_tasks()
    refused = admin_client.get(response.url)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "not a public internet address" in page
    assert 'value="http://127.0.0.1:9/article"' in page  # the form, to correct and send again
    assert not NewsItem.objects.exists()


def test_a_fetch_that_failed_says_so_and_offers_the_form_again(
    admin_client, in_english, run_tasks, monkeypatch
):
    def broken(*, url):
        raise RuntimeError("the parser broke")

    monkeypatch.setattr("news.services.news_item_import_url", broken)
    response = admin_client.post(
        reverse("admin:news_newsitem_import"), {"url": "https://news.example/article"}
    )
    run_tasks()
    page = admin_client.get(response.url).content.decode()
    assert "could not be fetched: RuntimeError: the parser broke" in page
    assert 'value="https://news.example/article"' in page


def test_an_unknown_fetch_is_404(admin_client):
    url = reverse("admin:news_newsitem_fetch", args=["00000000-0000-0000-0000-000000000000"])
    assert admin_client.get(url).status_code == 404


def test_a_saved_web_page_is_imported_like_a_text_file(admin_client):
    page = Path(__file__).parent.parent / "data" / "pages" / "regional_article.html"
    upload_page = SimpleUploadedFile(page.name, page.read_bytes(), content_type="text/html")

    response = admin_client.post(reverse("admin:news_newsitem_import"), {"files": [upload_page]})

    assert response.status_code == 302
    item = NewsItem.objects.get()
    assert item.body and "<" not in item.body
