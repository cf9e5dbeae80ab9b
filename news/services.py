"""Writes that span several models: news items, their mentions, organizations named in them."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_

import ahocorasick
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q

from bionet.lib.text import normalize
from clusters.models import Cluster
from orgs.models import Organization, OrganizationName

from .fetch import fetch_article
from .html import looks_like_html, parse_html
from .mentions import CLUSTER, ORGANIZATION, MentionMatcher, NameCandidate, Target, name_variants
from .models import NewsItem, NewsMention
from .text import ArticleError, ParsedArticle, decode, parse_article

# --- The name automaton ------------------------------------------------------------------

_matcher_lock = threading.Lock()
_matcher_cache: dict[str, object] = {"fingerprint": None, "matcher": None}


def _names_fingerprint() -> tuple:
    """Changes whenever a name or alias is added, changed or removed, in any process.

    Saving or deleting an alias touches its organization's ``updated`` (see signals), so the
    organizations' latest change covers alias edits too.
    """
    organizations = Organization.objects.aggregate(n=Count("pk"), last=Max("updated"))
    clusters = Cluster.objects.aggregate(n=Count("pk"), last=Max("updated"))
    aliases = OrganizationName.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return tuple(organizations.values()) + tuple(clusters.values()) + tuple(aliases.values())


def directory_names() -> list[tuple[str, Target]]:
    """Every organization name, English name and alias, and every cluster name."""
    names: list[tuple[str, Target]] = []
    for pk, name_ko, name_en in Organization.objects.values_list("pk", "name_ko", "name_en"):
        target = Target(ORGANIZATION, pk)
        names.extend((name, target) for name in (name_ko, name_en) if name)
    names.extend(
        (name, Target(ORGANIZATION, organization_id))
        for organization_id, name in OrganizationName.objects.values_list("organization_id", "name")
    )
    for pk, name_ko, name_en in Cluster.objects.values_list("pk", "name_ko", "name_en"):
        target = Target(CLUSTER, pk)
        names.extend((name, target) for name in (name_ko, name_en) if name)
    return names


def name_matcher() -> MentionMatcher:
    """The automaton over the directory's current names, built once per name set."""
    fingerprint = _names_fingerprint()
    with _matcher_lock:
        if _matcher_cache["fingerprint"] != fingerprint:
            _matcher_cache["matcher"] = MentionMatcher(directory_names())
            _matcher_cache["fingerprint"] = fingerprint
        return _matcher_cache["matcher"]


# --- Mentions ----------------------------------------------------------------------------


def mentions_refresh(*, news_items: Iterable[NewsItem] | None = None) -> int:
    """Recompute the stored mentions of ``news_items`` (all news items when None).

    Returns how many mentions are stored for them now.
    """
    if news_items is None:
        items = NewsItem.objects.only("pk", "body")
    else:
        items = list(news_items)
        if not items:
            return 0
    matcher = name_matcher()
    created = 0
    with transaction.atomic():
        for batch in _batches(items, 200):
            NewsMention.objects.filter(news_item__in=[item.pk for item in batch]).delete()
            rows = [
                NewsMention(
                    news_item=item,
                    organization_id=mention.target.pk
                    if mention.target.kind == ORGANIZATION
                    else None,
                    cluster_id=mention.target.pk if mention.target.kind == CLUSTER else None,
                    text=mention.text[:200],
                    start=mention.start,
                    end=mention.end,
                )
                for item in batch
                for mention in matcher.find(item.body)
            ]
            NewsMention.objects.bulk_create(rows, batch_size=500)
            created += len(rows)
    return created


def mentions_refresh_for_names(
    *, organization: Organization | None = None, cluster: Cluster | None = None
) -> int:
    """Refresh the news items an organization's or cluster's names change may affect.

    Those are the items that mention it now (a removed or renamed name) and those whose text
    holds one of its current names (a new name or alias).
    """
    if organization is not None:
        names = [organization.name_ko, organization.name_en]
        names += list(organization.names.values_list("name", flat=True))
        mentioning = Q(mentions__organization=organization)
    elif cluster is not None:
        names = [cluster.name_ko, cluster.name_en]
        mentioning = Q(mentions__cluster=cluster)
    else:
        raise TypeError("Give an organization or a cluster.")
    variants = {variant for name in names if name for variant in name_variants(name)}
    containing = [Q(body__icontains=variant) for variant in variants]
    affected = NewsItem.objects.filter(reduce(or_, containing, mentioning)).distinct()
    return mentions_refresh(news_items=list(affected.only("pk", "body")))


def mentions_refresh_for_organizations(
    *,
    organizations: Sequence[Organization],
    names: Iterable[str] | None = None,
    created: Iterable[int] = (),
) -> int:
    """mentions_refresh_for_names for many organizations at once (an import's): the news
    items that mention any of them, and those whose text holds one of their names.

    ``names`` are all their names and aliases when the caller has them at hand (else they are
    read); ``created`` the ids of those new to the directory, which nothing mentions yet. The
    texts are read once whatever the number of names, each searched for all of them with one
    automaton (a query per name, as for one organization, would read every text once per
    name). Returns how many mentions are stored for the refreshed items now.
    """
    created = set(created)
    affected: set[int] = set()
    if names is None:
        names = [name for o in organizations for name in (o.name_ko, o.name_en) if name]
        for batch in _batches([o.pk for o in organizations], 2000):
            aliases = OrganizationName.objects.filter(organization__in=batch)
            names += aliases.values_list("name", flat=True)
    for batch in _batches([o.pk for o in organizations if o.pk not in created], 2000):
        affected.update(
            NewsMention.objects.filter(organization__in=batch).values_list("news_item", flat=True)
        )
    # Substrings in any case, as body__icontains finds them (or a few more: harmless).
    automaton = ahocorasick.Automaton()
    for variant in {variant.lower() for name in names for variant in name_variants(name)}:
        automaton.add_word(variant, None)
    if len(automaton):
        automaton.make_automaton()
        texts = NewsItem.objects.exclude(body="").values_list("pk", "body")
        for pk, body in texts.iterator(chunk_size=2000):
            if pk not in affected and next(automaton.iter(body.lower()), None) is not None:
                affected.add(pk)
    items = [
        item
        for batch in _batches(sorted(affected), 2000)
        for item in (NewsItem.objects.filter(pk__in=batch).only("pk", "body"))
    ]
    return mentions_refresh(news_items=items)


def mentions_refresh_news_ids(*, news_item_ids: Iterable[int]) -> int:
    return mentions_refresh(news_items=list(NewsItem.objects.filter(pk__in=list(news_item_ids))))


def _batches(items: Iterable, size: int):
    batch = []
    for item in items.iterator() if hasattr(items, "iterator") else items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- Import ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewsImportProblem:
    source: str
    message: str

    def __str__(self):
        return f"{self.source}: {self.message}"


class NewsImportError(Exception):
    """Some files could not be imported; nothing was saved."""

    def __init__(self, problems: Sequence[NewsImportProblem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class NewsImportResult:
    source: str
    news_item: NewsItem
    created: bool
    mention_count: int


def news_item_import(*, article: ParsedArticle, url: str = "") -> tuple[NewsItem, bool]:
    """Create or update the news item for ``article``, then its mentions.

    The same article imported again (same URL, or same outlet and title) updates the existing
    item. A value the page does not state never overwrites one a curator entered.
    """
    url = url or article.url
    # The title as it is stored (NameField), so that the same article is found again.
    title = normalize(article.title)
    news_item = None
    if url:
        news_item = NewsItem.objects.filter(url=url).first()
    if news_item is None:
        news_item = NewsItem.objects.filter(outlet=article.outlet, title=title).first()
    created = news_item is None
    if created:
        news_item = NewsItem()
    news_item.title = title
    news_item.body = article.body
    for field, value in [
        ("outlet", article.outlet),
        ("reporter", article.reporter),
        ("published_on", article.published_on),
        ("url", url),
    ]:
        if value:
            setattr(news_item, field, value)
    with transaction.atomic():
        news_item.full_clean()
        news_item.save()
        mentions_refresh(news_items=[news_item])
    return news_item, created


def news_items_import_files(
    *,
    files: Sequence[tuple[str, bytes]],
    unreadable: Sequence[NewsImportProblem] = (),
) -> list[NewsImportResult]:
    """Import saved article pages, all or nothing.

    Every file is read and parsed first; if any cannot be (not UTF-8, empty, no article in
    it) or any article fails validation, NewsImportError lists every problem and no file is
    saved: the whole import is one transaction. ``unreadable`` carries the files the caller
    could not even open, so that one report names every problem.
    """
    if not files and not unreadable:
        raise NewsImportError([NewsImportProblem("-", "no file given")])
    parsed: list[tuple[str, ParsedArticle]] = []
    problems: list[NewsImportProblem] = list(unreadable)
    for source, raw in files:
        try:
            parsed.append((source, read_article(raw)))
        except ArticleError as error:
            problems.append(NewsImportProblem(source, str(error)))
    if problems:
        raise NewsImportError(problems)
    results: list[NewsImportResult] = []
    with transaction.atomic():
        for source, article in parsed:
            try:
                news_item, created = news_item_import(article=article)
            except ValidationError as error:
                problems.append(NewsImportProblem(source, " ".join(error.messages)))
                continue
            results.append(NewsImportResult(source, news_item, created, news_item.mentions.count()))
        if problems:
            # Leaving the block by an exception rolls back the files already saved.
            raise NewsImportError(problems)
    return results


def read_article(raw: bytes, *, url: str = "") -> ParsedArticle:
    """An article from a saved file: a web page (HTML) or the page's text."""
    if looks_like_html(raw):
        return parse_html(raw, url=url)
    return parse_article(decode(raw))


def news_item_import_url(*, url: str) -> tuple[NewsItem, bool]:
    """Fetch the article at ``url`` (see news.fetch for what is refused) and import it."""
    raw, final_url = fetch_article(url, allow_private=settings.NEWS_FETCH_ALLOW_PRIVATE_ADDRESSES)
    return news_item_import(article=read_article(raw, url=final_url), url=final_url)


# --- Organizations named in a news item ----------------------------------------------------


def organization_create_from_candidate(*, candidate: NameCandidate) -> Organization:
    """A draft organization named as the article names it, with its abbreviation as an alias
    and a readable address from its name; a curator publishes it."""
    organization = Organization(name_ko=candidate.name, kind=candidate.kind)
    organization.slug = organization.readable_slug()
    with transaction.atomic():
        organization.full_clean()
        organization.save()
        if candidate.abbreviation:
            alias = OrganizationName(
                organization=organization,
                name=candidate.abbreviation,
                kind=OrganizationName.Kind.ACRONYM,
                language=OrganizationName.Language.ENGLISH,
            )
            alias.full_clean()
            alias.save()
    return organization
