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
        f'<mark class="mention"><a href="{org_url}" title="서울대학교병원">서울대병원</a></mark>'
        in content
    )
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
    assert response.url == reverse("admin:orgs_organization_change", args=[organization.pk])
    assert organization.slug == "sba"
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


def test_the_agreement_draft_is_prefilled_from_the_news_item(admin_client, seed):
    services.mentions_refresh()
    item = NewsItem.objects.get(title__startswith="보산진")
    response = draft_page(admin_client, item)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == item.title
    parties = Organization.objects.filter(pk__in=form.initial["organizations"])
    assert {"한국보건산업진흥원", "서울대학교병원", "보건복지부"} <= set(
        parties.values_list("name_ko", flat=True)
    )
    chosen = form.dates[int(form.initial["stated_date"])]
    assert (chosen.stated, chosen.date, chosen.precision) == (
        "지난 7일(현지시간)",
        datetime.date(2024, 11, 7),
        "day",
    )


def test_creating_the_agreement_cites_the_news_item_with_its_date(admin_client, seed):
    services.mentions_refresh()
    item = NewsItem.objects.get(title__startswith="보산진")
    form = draft_page(admin_client, item).context["form"]
    khidi = Organization.objects.get(name_ko="한국보건산업진흥원")
    snuh = Organization.objects.get(name_ko="서울대학교병원")
    response = admin_client.post(
        reverse("admin:agreements_agreement_from_news", args=[item.pk]),
        {
            "title": "보스턴-서울 바이오&AI 나이트",
            "kind": "event",
            "status": "concluded",
            "organizations": [khidi.pk, snuh.pk],
            "role": "host",
            "stated_date": form.initial["stated_date"],
        },
    )
    agreement = Agreement.objects.get(title="보스턴-서울 바이오&AI 나이트")
    assert response.status_code == 302
    assert response.url == reverse("admin:agreements_agreement_change", args=[agreement.pk])
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


def test_without_a_publication_date_the_year_stays_unknown(admin_client, seed):
    services.mentions_refresh()
    item = NewsItem.objects.get(title__startswith="마곡산업단지")
    form = draft_page(admin_client, item).context["form"]
    organizations = list(form.fields["organizations"].queryset.values_list("pk", flat=True))
    admin_client.post(
        reverse("admin:agreements_agreement_from_news", args=[item.pk]),
        {
            "title": "산학협력 업무 협약",
            "kind": "mou",
            "status": "concluded",
            "organizations": organizations,
            "role": "signatory",
            "stated_date": form.initial["stated_date"],
        },
    )
    agreement = Agreement.objects.get(title="산학협력 업무 협약")
    assert (agreement.date, agreement.date_precision, agreement.date_stated) == (
        None,
        "unknown",
        "5월 22일",
    )


def test_an_agreement_draft_with_one_party_is_refused(admin_client, in_english):
    organization = OrganizationFactory(name_ko="한국보건산업진흥원")
    item = NewsItemFactory(body="한국보건산업진흥원은 행사를 열었다.")
    services.mentions_refresh(news_items=[item])
    response = admin_client.post(
        reverse("admin:agreements_agreement_from_news", args=[item.pk]),
        {
            "title": "행사",
            "kind": "event",
            "status": "concluded",
            "organizations": [organization.pk],
            "role": "host",
        },
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
