"""Korean by default, English on request; names in the active language, the other beneath."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from agreements.models import Agreement
from bionet.lib.slugs import romanized
from tests.factories import AgreementFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_pages_are_in_korean_by_default(client, seed):
    html = client.get("/organizations/khidi/").content.decode()
    assert '<html lang="ko">' in html
    assert ">기관</a>" in html and "이름과 기본 정보" in html
    # The Korean name leads; the English one is beneath it.
    assert re.search(
        r'<span class="name">한국보건산업진흥원</span>.*?<span class="other-name" lang="en">'
        r"Korea Health Industry Development Institute</span>",
        html,
    )


def test_english_pages_lead_with_english_names(english, seed):
    html = english.get("/organizations/khidi/").content.decode()
    assert '<html lang="en">' in html
    assert ">Organizations</a>" in html and "Names and facts" in html
    assert re.search(
        r'<span class="name">Korea Health Industry Development Institute</span>.*?'
        r'<span class="other-name" lang="ko">한국보건산업진흥원</span>',
        html,
    )
    assert "<title>Korea Health Industry Development Institute · Bionet</title>" in html


def test_a_record_without_an_english_name_shows_its_korean_name_with_its_romanization(english):
    organization = OrganizationFactory(name_ko="홀로재단", name_en="")
    html = english.get(organization.get_absolute_url()).content.decode()
    heading = html.split("<h1>")[1].split("</h1>")[0]
    assert '<span class="name" lang="ko">홀로재단</span>' in heading
    spelt = romanized("홀로재단").title()  # Revised Romanization, by korean-romanizer
    assert spelt.isascii() and f'<span class="other-name" lang="ko-Latn">{spelt}</span>' in heading


def test_agreement_dates_read_naturally_in_english(english):
    for date, precision, shown in [
        ("2022-03-11", "day", "March 11, 2022"),
        ("2024-01-01", "month", "January 2024"),
        (None, "unknown", "Date unknown"),
    ]:
        agreement = AgreementFactory(date=date, date_precision=precision)
        html = english.get(agreement.get_absolute_url()).content.decode()
        assert f">{shown}</time>" in html if date else f">{shown}</span>" in html


def test_the_language_switcher_changes_language_and_returns_to_the_page(client, seed):
    html = client.get("/clusters/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert 'name="language" value="en"' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/clusters/?region=seoul"})
    assert response.status_code == 302
    # The English page has its own address, which can be linked and indexed.
    assert response.url == "/en/clusters/?region=seoul"
    html = client.get(response.url).content.decode()
    assert "<h1>Clusters</h1>" in html and "Seoul Bio Hub" in html
    back = client.post("/i18n/setlang/", {"language": "ko", "next": response.url})
    assert back.url == "/clusters/?region=seoul"


def test_each_page_names_its_address_in_the_other_language(client, seed):
    korean = client.get("/organizations/khidi/").content.decode()
    english = client.get("/en/organizations/khidi/").content.decode()
    alternates = [
        '<link rel="alternate" hreflang="ko" href="http://testserver/organizations/khidi/">',
        '<link rel="alternate" hreflang="en" href="http://testserver/en/organizations/khidi/">',
        '<link rel="alternate" hreflang="x-default" href="http://testserver/organizations/khidi/">',
    ]
    for page in (korean, english):
        assert all(alternate in page for alternate in alternates)
    assert '<html lang="en">' in english and 'href="/en/clusters/"' in english


def test_choice_labels_are_translated(client, seed):
    letter = Agreement.objects.get(kind="loi")
    korean = client.get(letter.get_absolute_url())
    assert "의향서" in korean.content.decode() and "서명 기관" in korean.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(letter.get_absolute_url()).content.decode()
    assert "Letter of intent" in html and "Signatory" in html


def po_entries(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [e for e in text.split("\n\n") if re.search(r"^msgid ", e, re.M) and "#~" not in e]


def test_the_korean_catalogue_translates_every_message_and_is_compiled():
    po = LOCALE / "ko" / "LC_MESSAGES" / "django.po"
    entries = po_entries(po)[1:]  # the first is the header
    assert len(entries) > 300
    untranslated = [e for e in entries if re.search(r'msgstr(\[0\])? ""$', e.strip())]
    assert untranslated == []
    assert not [e for e in entries if "#, fuzzy" in e]
    with open(LOCALE / "ko" / "LC_MESSAGES" / "django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    assert len({key for key in catalog if key != ""}) == len(entries)


def test_the_korean_admin_names_the_sign_in_lockouts_in_korean(admin_client):
    page = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "로그인 잠금" in page and "접근 시도" in page
    assert "Access attempts" not in page and ">Axes<" not in page
