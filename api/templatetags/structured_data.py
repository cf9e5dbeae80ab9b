"""schema.org JSON-LD for the organization and cluster pages, read by search engines.

``{% organization_json_ld organization %}`` and ``{% cluster_json_ld cluster %}`` write a
``<script type="application/ld+json">`` block: a data block, which browsers never run, so the
site's Content-Security-Policy (no inline scripts) does not apply to it. Its JSON is escaped
as Django's ``json_script`` escapes (``<``, ``>`` and ``&`` as \\u escapes), so that no name
or description can close the element. They read only what the detail pages already load
(names, parent and sub-units are prefetched there): no query of their own.
"""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from clusters.models import Cluster
from orgs.choices import Region
from orgs.models import Organization

register = template.Library()

SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_script(data: dict):
    """``data`` as a JSON-LD script element, escaped for HTML."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def _address(region: str, locality: str = "") -> dict | None:
    if not region and not locality:
        return None
    address = {"@type": "PostalAddress"}
    if region and region != Region.OVERSEAS:
        address["addressRegion"] = str(Region(region).label)
        address["addressCountry"] = "KR"
    if locality:
        address["addressLocality"] = locality
    return address if len(address) > 1 else None


def _names(record, aliases=()) -> tuple[str, list[str]]:
    """The name in the active language, and every other name it goes by, once each."""
    name = record.display_name
    others = []
    for other in [record.name_ko, record.name_en, *aliases]:
        if other and other != name and other not in others:
            others.append(other)
    return name, others


def _without_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def organization_data(organization: Organization, absolute_url) -> dict:
    """schema.org Organization: names, page, identifiers, place, parent and sub-units.

    ``absolute_url`` turns a path into an address (``request.build_absolute_uri``).
    """
    name, other_names = _names(organization, [alias.name for alias in organization.names.all()])

    def reference(other: Organization) -> dict:
        return {
            "@type": "Organization",
            "name": other.display_name,
            "url": absolute_url(other.get_absolute_url()),
        }

    parent = organization.parent
    return _without_empty(
        {
            "@context": "https://schema.org",
            "@type": "Organization",
            "name": name,
            "alternateName": other_names,
            "url": absolute_url(organization.get_absolute_url()),
            "description": organization.description,
            "sameAs": [
                url
                for url in [organization.website, organization.ror_url, organization.wikidata_url]
                if url
            ],
            "address": _address(organization.region),
            "parentOrganization": (
                reference(parent) if parent is not None and parent.is_published else None
            ),
            "subOrganization": [
                reference(child) for child in organization.children.all() if child.is_published
            ],
        }
    )


def cluster_data(cluster: Cluster, absolute_url) -> dict:
    """schema.org Place: names, page, coordinates and region."""
    name, other_names = _names(cluster)
    geo = None
    if cluster.has_coordinates:
        geo = {
            "@type": "GeoCoordinates",
            "latitude": float(cluster.latitude),
            "longitude": float(cluster.longitude),
        }
    return _without_empty(
        {
            "@context": "https://schema.org",
            "@type": "Place",
            "name": name,
            "alternateName": other_names,
            "url": absolute_url(cluster.get_absolute_url()),
            "description": cluster.description,
            "sameAs": [cluster.website] if cluster.website else [],
            "geo": geo,
            "address": _address(cluster.region, cluster.city),
        }
    )


@register.simple_tag(takes_context=True)
def organization_json_ld(context, organization: Organization):
    return json_ld_script(organization_data(organization, context["request"].build_absolute_uri))


@register.simple_tag(takes_context=True)
def cluster_json_ld(context, cluster: Cluster):
    return json_ld_script(cluster_data(cluster, context["request"].build_absolute_uri))
