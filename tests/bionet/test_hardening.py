"""Bad input gets a clear answer, never a 500 or a traceback: over-long usernames at the admin's
sign-in, ids and numbers in other scripts' digits, methods a public page does not serve, a
form posted without its CSRF token; and the lockout page names the site."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from agreements.admin import cited_news_items
from agreements.imports import agreements_import
from bionet.lib.csv import Reason, RowError, parse_id
from orgs.imports import organizations_import
from orgs.models import Organization
from tests.bionet.test_fuzz import ROUTES, path_for, valid_values
from tests.csv_helpers import csv_bytes
from tests.factories import AgreementFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

# Digits that Python's int() reads as numbers, or that str.isdigit() accepts.
FOREIGN_DIGITS = ["²", "٣١", "３１", "१२", "٢٠٢٢"]


# Sign-in ----------------------------------------------------------------------------------


def sign_in(client, username, password="wrong", address="10.0.0.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


@pytest.mark.parametrize("length", [151, 256, 10_000])
def test_a_username_longer_than_any_accounts_is_refused_by_the_form_and_never_recorded(
    client, in_english, length
):
    # On PostgreSQL this was a 500: django-axes recorded the username in a varchar(255).
    response = sign_in(client, "x" * length)
    assert response.status_code == 200
    assert (
        f"Ensure this value has at most 150 characters (it has {length})."
        in response.content.decode()
    )
    assert not AccessAttempt.objects.exists()
    assert "_auth_user_id" not in client.session


def test_the_longest_possible_username_is_still_locked_out_after_five_failures(client):
    from django.contrib.auth.models import User

    longest = "u" * 150
    User.objects.create_user(longest, password="right-password", is_staff=True)
    statuses = [sign_in(client, longest).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert sign_in(client, longest, "right-password").status_code == 429
    assert AccessAttempt.objects.get().username == longest


def test_the_lockout_page_names_the_site_not_django(client, curator, korean):
    for _ in range(5):
        response = sign_in(client, "curator")
    assert response.status_code == 429
    page = response.content.decode()
    assert "바이오넷 큐레이션" in page  # "Bionet curation", the admin's site header
    assert "Django" not in page


def test_the_lockout_page_names_the_site_in_english_too(client, curator, in_english):
    for _ in range(5):
        response = sign_in(client, "curator")
    page = response.content.decode()
    assert "<title>Sign-in locked | Bionet curation</title>" in page
    assert "Django administration" not in page and "Django site admin" not in page


# A form posted without its CSRF token ------------------------------------------------------


def test_a_form_without_its_csrf_token_gets_the_sites_own_403_page_that_the_policy_allows():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert [template.name for template in response.templates][:3] == [
        "403_csrf.html",
        "403.html",
        "base.html",
    ]
    page = response.content.decode()
    assert "bionet/site.css" in page  # styled by the site's stylesheet ...
    assert "<style" not in page and " style=" not in page  # ... and nothing the CSP blocks
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_language_switch_needs_no_token_so_public_pages_set_no_cookie():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/clusters/")
    assert not page.cookies
    assert "csrfmiddlewaretoken" not in page.content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/clusters/"})
    assert (response.status_code, response.url) == (302, "/en/clusters/")


# Ids and numbers in ASCII digits only --------------------------------------------------------


@pytest.mark.parametrize("value", [*FOREIGN_DIGITS, "1.0", "-1", "+1", " ", "1 2", "0x1f"])
def test_an_id_that_is_not_ascii_digits_is_a_row_error_with_a_reason(value, in_english):
    with pytest.raises(RowError) as raised:
        parse_id(value)
    assert raised.value.reason == Reason.INVALID_VALUE
    assert str(raised.value.detail) == f"id {value} is not a number written with the digits 0 to 9"


def test_an_id_in_ascii_digits_is_read_and_an_empty_one_means_a_new_record():
    assert parse_id("31") == 31
    assert parse_id("") is None


ORG_HEADER = ["id", "slug", "name_ko", "kind"]


@pytest.mark.parametrize("value", FOREIGN_DIGITS)
def test_the_organization_import_refuses_an_id_in_other_digits_and_updates_nothing(
    value, in_english
):
    target = OrganizationFactory(pk=31, name_ko="원래이름", slug="original")
    data = csv_bytes(ORG_HEADER, [value, "renamed", "바뀐이름", "hospital"])
    report = organizations_import(data=data, commit=True)
    assert [(row.outcome, str(row.reason)) for row in report.rows] == [("error", "invalid value")]
    assert "digits 0 to 9" in report.rows[0].detail
    target.refresh_from_db()
    assert (target.name_ko, target.slug) == ("원래이름", "original")


def test_the_agreement_import_refuses_an_id_in_other_digits(in_english):
    agreement = AgreementFactory(pk=31)
    header = ["id", "title", "kind", "date", "parties", "sources"]
    data = csv_bytes(header, ["٣١", "바뀐 협약", "mou", "2024-01-02", "", ""])
    report = agreements_import(data=data, commit=True)
    assert [(row.outcome, str(row.reason)) for row in report.rows] == [("error", "invalid value")]
    agreement.refresh_from_db()
    assert agreement.title != "바뀐 협약"


def test_the_import_command_reports_a_superscript_id_as_a_row_error_not_a_traceback(
    tmp_path, capsys, in_english
):
    path = tmp_path / "organizations.csv"
    path.write_bytes(csv_bytes(ORG_HEADER, ["²", "x", "엑스", "hospital"]))
    with pytest.raises(CommandError, match="0 new, 0 updated, 0 unchanged, 1 error"):
        call_command("import_csv", "organizations", str(path))
    assert "invalid value: id ² is not a number written with the digits 0 to 9" in (
        capsys.readouterr().out
    )


def test_the_admin_import_page_reports_a_superscript_id_as_a_row_error(admin_client, in_english):
    data = csv_bytes(ORG_HEADER, ["²", "x", "엑스", "hospital"])
    response = admin_client.post(
        reverse("admin:orgs_organization_import"),
        {"file": SimpleUploadedFile("organizations.csv", data, "text/csv")},
    )
    assert response.status_code == 200
    assert "id ² is not a number written with the digits 0 to 9" in response.content.decode()
    assert not Organization.objects.exists()


def test_the_agreement_form_ignores_a_cited_news_item_in_other_digits():
    # A crafted post: int("²") raised, a 500 in the admin.
    assert cited_news_items({"citations-0-newsitem": "²", "citations-1-newsitem": "7"}) == [7]
    assert cited_news_items({"citations-0-newsitem": "٣"}) == []


@pytest.fixture
def agreement_of_2022():
    return AgreementFactory(title="2022년 협약", date=datetime.date(2022, 5, 1))


@pytest.mark.parametrize("year", ["٢٠٢٢", "２０２２", "२०२२"])
def test_a_year_filter_in_other_digits_is_refused_like_any_other_non_number(
    client, agreement_of_2022, year
):
    def refused_as(response, name):
        return [error.code for error in response.context["filter"].form.errors.as_data()[name]]

    response = client.get(reverse("agreements:agreement_list"), {"year_from": year})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert refused_as(response, "year_from") == ["invalid"]  # "Enter a whole number."
    export = client.get(reverse("agreements:agreement_export"), {"year_from": year})
    assert export.status_code == 400
    assert client.get("/api/agreements/", {"year_from": year}).status_code == 400
    news = client.get(reverse("news:newsitem_list"), {"year": year})
    assert refused_as(news, "year") == ["invalid"]


def test_a_year_filter_in_ascii_digits_still_filters(client, agreement_of_2022):
    AgreementFactory(title="2021년 협약", date=datetime.date(2021, 5, 1))
    response = client.get(reverse("agreements:agreement_list"), {"year_from": "2022"})
    assert list(response.context["object_list"]) == [agreement_of_2022]


def test_a_page_size_in_other_digits_is_ignored_like_any_other_non_number(client):
    OrganizationFactory.create_batch(2)
    for value in ["٥٠", "５０", "abc"]:
        response = client.get(reverse("orgs:organization_list"), {"per_page": value})
        assert response.context["per_page"] == 25, value
    assert client.get("/organizations/", {"per_page": "1"}).context["per_page"] == 1


def test_a_page_number_in_other_digits_is_a_404_like_any_other_non_number(client):
    first, second = OrganizationFactory.create_batch(2)
    assert client.get("/organizations/", {"per_page": "1", "page": "2"}).status_code == 200
    for page in ["٢", "２", "x"]:
        response = client.get("/organizations/", {"per_page": "1", "page": page})
        assert response.status_code == 404, page
    assert client.get("/organizations/", {"per_page": "1", "page": "last"}).status_code == 200


def test_steps_in_other_digits_are_read_as_the_default_one_step(client):
    page = OrganizationFactory().get_absolute_url()

    def steps(value):
        return client.get(page, {"steps": value}).context["ego_network"]["steps"]

    assert steps("2") == 2
    assert (steps("٢"), steps("２")) == (1, 1)


# Methods: public pages answer GET and HEAD only -------------------------------------------

REFUSED_METHODS = ["post", "put", "patch", "delete", "trace"]
ANSWERED = {200, 301, 302, 404}


def public_paths(*, network: bool) -> list[str]:
    """Each public URL (tests/bionet/test_fuzz.py's walk of the URLconf), with its keywords
    naming real records; the network's or all the others."""
    paths = []
    for name, converters in ROUTES:
        if name.startswith("network:") != network:
            continue
        values = {key: next(iter(valid_values(c)), "x") for key, c in converters.items()}
        paths.append(path_for(name, converters, values))
    return paths


def refusals(client, paths) -> list:
    """Every (path, method, what was wrong) where a public page served a method it should
    not, or refused one it should serve."""
    wrong = []
    for path in paths:
        for method in ("get", "head"):
            status = getattr(client, method)(path).status_code
            if status not in ANSWERED:
                wrong.append((path, method, status))
        for method in REFUSED_METHODS:
            response = getattr(client, method)(path)
            allowed = {name.strip() for name in response.get("Allow", "").split(",")}
            if response.status_code != 405 or not {"GET", "HEAD"} <= allowed or "POST" in allowed:
                wrong.append((path, method, response.status_code, response.get("Allow")))
    return wrong


@pytest.fixture
def browser_client():
    """A client checked for CSRF tokens as a browser's requests are (the test client is not
    by default): a POST without one was refused with a 403 before the view said 405."""
    return Client(enforce_csrf_checks=True)


def test_every_public_page_answers_get_and_head_and_refuses_every_other_method_with_405(
    browser_client, seed
):
    # The network's pages are checked on their own in the next test.
    paths = public_paths(network=False)
    assert {"/", "/search/", "/sitemap.xml", "/agreements.csv", "/organizations/"} <= set(paths)
    assert refusals(browser_client, paths) == []


def test_the_network_pages_answer_get_and_head_and_refuse_every_other_method_with_405(
    browser_client, seed
):
    paths = public_paths(network=True)
    assert "/network/" in paths
    assert refusals(browser_client, paths) == []


def test_trace_is_refused_on_the_home_page_and_the_page_is_not_echoed(browser_client, seed):
    response = browser_client.trace("/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert b"<html" not in response.content
