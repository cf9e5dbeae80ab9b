"""The OpenAPI 3 schema and the documentation page built on it."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/organizations/",
    "/api/organizations/{slug}/",
    "/api/clusters/",
    "/api/clusters/{slug}/",
    "/api/agreements/",
    "/api/agreements/{id}/",
    "/api/news/",
    "/api/news/{id}/",
]


def test_the_schema_is_valid_openapi_3_listing_every_endpoint_and_filter(client):
    response = client.get("/api/schema/?format=json&lang=en")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)  # raises on anything OpenAPI 3.0 does not allow
    assert schema["openapi"].startswith("3.")
    assert sorted(schema["paths"]) == sorted(PATHS)
    parameters = {
        path: {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        for path in ["/api/organizations/", "/api/clusters/", "/api/agreements/", "/api/news/"]
    }
    assert parameters == {
        "/api/organizations/": {
            "q", "kind", "region", "cluster", "has_agreements", "cursor", "page_size",
        },
        "/api/clusters/": {"q", "kind", "region", "cursor", "page_size"},
        "/api/agreements/": {
            "q", "kind", "year_from", "year_to", "cluster", "organization", "organization_kind",
            "cursor", "page_size",
        },
        "/api/news/": {"q", "year", "cluster", "organization", "cursor", "page_size"},
    }  # fmt: skip
    news_item = schema["components"]["schemas"]["NewsItem"]["properties"]
    assert "body" not in news_item


def test_the_schema_builds_without_a_warning(tmp_path):
    # As `manage.py check --deploy` does in CI; a warning there fails the run.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert "openapi: 3.0" in (tmp_path / "s.yml").read_text()


def test_the_docs_page_loads_swagger_ui_from_this_site_with_nothing_inline(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in sources
    assert "/static/api/swagger-ui.css" in sources
    assert all(source.startswith("/") for source in sources), sources
    # No inline script or style: the Content-Security-Policy would block them.
    assert "<style" not in html
    assert all(re.search(r"\ssrc=", tag) for tag in re.findall(r"<script[^>]*>", html))
    for path in sources:
        if path.startswith("/static/"):
            assert finders.find(path.removeprefix("/static/")), path

    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"] == "application/javascript"
    assert '"/api/schema/"' in script.content.decode()


SITE_POLICY = (
    "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; "
    "object-src 'none'"
)


def test_the_docs_page_alone_also_allows_data_images(client):
    # Swagger UI's stylesheet draws its icons as data: SVG images; nothing else is relaxed.
    docs = client.get("/api/docs/")
    assert docs["Content-Security-Policy"] == f"{SITE_POLICY}; img-src 'self' data:"
    for path in ["/api/", "/api/organizations/", "/api/schema/", "/organizations/"]:
        assert client.get(path)["Content-Security-Policy"] == SITE_POLICY
