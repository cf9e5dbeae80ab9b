"""Synthetic directories for load tests and benchmarks, and their removal.

Everything generated is marked ``is_synthetic`` (organizations, clusters, news items,
agreements; aliases, memberships and parties belong to a synthetic record) and links only
synthetic records, so removing it never touches curated data. The same seed gives the same
records: every random choice comes from one ``random.Random(seed)`` and never from the
database.
"""

import datetime
import itertools
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from agreements.models import Agreement, AgreementParty
from bionet.lib.dates import truncate_date
from clusters.models import Cluster, ClusterMembership
from news.models import NewsItem
from orgs.models import Organization, OrganizationName

from .names import (
    CITIES,
    CLUSTER_KINDS,
    COMPANY_SUFFIXES,
    ENDINGS,
    FIELDS,
    OUTLETS,
    REGIONS,
    REPORTERS,
    SYLLABLES,
)

SLUG_PREFIX = "syn-"
BATCH_SIZE = 2000

ORGANIZATION_KINDS = {  # kind: (share of organizations, how strongly it attracts partners)
    "company": (55, 1.0),
    "research_institute": (12, 3.0),
    "hospital": (9, 2.5),
    "university": (7, 4.0),
    "public_agency": (9, 6.0),
    "association": (5, 3.0),
    "local_government": (1, 8.0),
    "other": (2, 1.0),
}
AGREEMENT_KINDS = {  # kind: (share, role of the first party, role of the others)
    "mou": (55, "signatory", "signatory"),
    "loi": (5, "signatory", "signatory"),
    "council": (8, "chair", "member"),
    "committee": (4, "organizer", "co_organizer"),
    "joint_program": (12, "operator", "participant"),
    "event": (10, "host", "participant"),
    "designation": (4, "designator", "designee"),
    "other": (2, "signatory", "signatory"),
}
PARTY_COUNTS = {2: 58, 3: 20, 4: 10, 5: 7, 6: 5}
PRECISIONS = {"day": 72, "month": 14, "year": 7, "unknown": 7}
YEARS = range(2005, 2027)
LAST_DAY = datetime.date(2026, 12, 31)
MEMBERSHIP_ROLES = {"resident": 60, "partner": 20, "support": 10, "anchor": 5, "commissioner": 5}


class SyntheticDataExists(Exception):
    pass


class CuratedRecordsDependOnSynthetic(Exception):
    pass


Progress = Callable[[str, int], Callable[[int], None]]


def _no_progress(label: str, total: int) -> Callable[[int], None]:
    return lambda done: None


def _weighted(rng: random.Random, table: dict):
    return rng.choices(list(table), weights=[_share(value) for value in table.values()])[0]


def _share(value) -> float:
    return value[0] if isinstance(value, tuple) else value


def _acronym(english: str) -> str:
    # "Gyeongbuk Biopharma Research Institute" -> "GBRI"; "of" and "and" are left out.
    return "".join(word[0] for word in english.replace("-", " ").split() if word[0].isupper())


@dataclass
class _Org:
    name_ko: str
    name_en: str
    kind: str
    region: str
    aliases: list[tuple[str, str, str]] = field(default_factory=list)  # name, kind, language
    parent: int | None = None  # index of the parent organization
    pk: int | None = None


class SyntheticDirectory:
    """Generates ``organizations`` organizations and ``agreements`` agreements from ``seed``."""

    def __init__(self, *, organizations: int, agreements: int, seed: int):
        self.organization_count = organizations
        self.agreement_count = agreements
        self.seed = seed
        self.rng = random.Random(seed)
        self.used_names: set[str] = set()

    # Organizations -----------------------------------------------------------------------

    def _brand(self) -> tuple[str, str]:
        syllables = self.rng.sample(SYLLABLES, self.rng.choice((2, 2, 3)))
        return "".join(ko for ko, _ in syllables), "".join(en for _, en in syllables).title()

    def _region(self) -> tuple[str, str, str]:
        code, ko, en, _ = self.rng.choices(REGIONS, weights=[r[3] for r in REGIONS])[0]
        return code, ko, en

    def _unique(self, make: Callable[[], _Org | None]) -> _Org | None:
        for _ in range(20):
            org = make()
            if org is not None and org.name_ko not in self.used_names:
                self.used_names.add(org.name_ko)
                return org
        return None

    def _institution(self, kind: str) -> _Org:
        code, region_ko, region_en = self._region()
        field_ko, field_en = self.rng.choice(FIELDS)
        ending_ko, ending_en, former = self.rng.choice(ENDINGS[kind])
        if self.rng.random() < 0.5:
            prefix_ko, prefix_en = region_ko, region_en
        else:
            prefix_ko, prefix_en = self._brand()
        org = _Org(
            f"{prefix_ko}{field_ko}{ending_ko}", f"{prefix_en} {field_en} {ending_en}", kind, code
        )
        org.aliases.append((_acronym(org.name_en), "acronym", "en"))
        if self.rng.random() < 0.5:
            short = prefix_ko[0] + field_ko[0] + ending_ko[0]
            org.aliases.append((short, "short", "ko"))
        if self.rng.random() < 0.15:
            org.aliases.append((f"{prefix_ko}{field_ko}{former}", "former", "ko"))
        if self.rng.random() < 0.05:
            org.aliases.append((f"{prefix_ko} {field_ko}{ending_ko}", "misspelling", "ko"))
        return org

    def _company(self) -> _Org:
        brand_ko, brand_en = self._brand()
        suffix_ko, suffix_en = self.rng.choice(COMPANY_SUFFIXES)
        org = _Org(f"{brand_ko}{suffix_ko}", f"{brand_en} {suffix_en}", "company", "")
        org.region = self._region()[0]
        if self.rng.random() < 0.3:
            org.aliases.append((f"(주){org.name_ko}", "other", "ko"))
        if self.rng.random() < 0.2:
            org.aliases.append((f"{org.name_en} Co., Ltd.", "english", "en"))
        if self.rng.random() < 0.1:
            org.aliases.append((_acronym(org.name_en) + brand_en[1:3].upper(), "acronym", "en"))
        return org

    def _university(self) -> _Org:
        brand_ko, brand_en = self._brand()
        org = _Org(f"{brand_ko}대학교", f"{brand_en} University", "university", "")
        org.region = self._region()[0]
        org.aliases.append((f"{brand_ko}대", "short", "ko"))
        org.aliases.append((f"{brand_en[:1]}{brand_en[1:3].upper()}U", "acronym", "en"))
        return org

    def _hospital(self, universities: list[int], orgs: list[_Org]) -> _Org:
        if universities and self.rng.random() < 0.4:
            index = self.rng.choice(universities)
            university = orgs[index]
            org = _Org(
                f"{university.name_ko}병원", f"{university.name_en} Hospital", "hospital", ""
            )
            org.region, org.parent = university.region, index
            return org
        code, region_ko, region_en = self._region()
        brand_ko, brand_en = self._brand()
        if self.rng.random() < 0.5:
            org = _Org(f"{region_ko}{brand_ko}병원", f"{region_en} {brand_en} Hospital", "", code)
        else:
            org = _Org(f"{brand_ko}의료원", f"{brand_en} Medical Center", "", code)
        org.kind = "hospital"
        org.aliases.append((_acronym(org.name_en), "acronym", "en"))
        return org

    def _local_government(self) -> _Org | None:
        ko, en, region, _, _ = self.rng.choice(CITIES)
        return _Org(f"{ko}시", f"{en} City", "local_government", region)

    def organizations(self) -> list[_Org]:
        orgs: list[_Org] = []
        universities: list[int] = []
        kinds = list(ORGANIZATION_KINDS)
        weights = [share for share, _ in ORGANIZATION_KINDS.values()]
        while len(orgs) < self.organization_count:
            kind = self.rng.choices(kinds, weights=weights)[0]
            if kind == "company":
                org = self._unique(self._company)
            elif kind == "university":
                org = self._unique(self._university)
            elif kind == "hospital":
                org = self._unique(lambda: self._hospital(universities, orgs))
            elif kind == "local_government":
                org = self._unique(self._local_government)
            else:
                org = self._unique(lambda kind=kind: self._institution(kind))
            if org is None:
                continue
            if kind == "university":
                universities.append(len(orgs))
            org.aliases = list({name: (name, k, lang) for name, k, lang in org.aliases}.values())
            orgs.append(org)
        return orgs

    def attraction(self, orgs: list[_Org]) -> list[float]:
        """Cumulative weights: a few hubs take many partners, most take one or two."""
        weights = (ORGANIZATION_KINDS[org.kind][1] * self.rng.paretovariate(1.6) for org in orgs)
        return list(itertools.accumulate(weights))

    # Agreements -------------------------------------------------------------------------

    def date(self) -> tuple[datetime.date | None, str, str, str]:
        precision = _weighted(self.rng, PRECISIONS)
        if precision == "unknown":
            return None, precision, "", ""
        year = self.rng.choices(YEARS, weights=[(y - 2003) ** 1.5 for y in YEARS])[0]
        day = datetime.date(year, 1, 1) + datetime.timedelta(days=self.rng.randrange(365))
        day = min(day, LAST_DAY)
        stated, basis = "", ""
        if precision == "day":
            form = self.rng.random()
            if form < 0.5:
                stated, basis = f"{day.month}월 {day.day}일", "연도는 기사 게재일에서 취함"
            elif form < 0.8:
                stated = f"{day.year}년 {day.month}월 {day.day}일"
            else:
                stated, basis = f"지난 {day.day}일", "기사 게재일 기준으로 환산"
        elif precision == "month":
            stated = f"{day.year}년 {day.month}월"
        else:
            stated = f"{day.year}년"
        return truncate_date(day, precision), precision, stated, basis

    def agreement(self, parties: list[_Org], clusters: list[tuple[str, str]]):
        kind = _weighted(self.rng, AGREEMENT_KINDS)
        field_ko, field_en = self.rng.choice(FIELDS)
        first, second = parties[0], parties[1]
        names_ko = f"{first.name_ko}·{second.name_ko}"
        names_en = f"{first.name_en} and {second.name_en}"
        if len(parties) > 2:
            names_ko += f" 등 {len(parties)}개 기관"
            names_en = f"{first.name_en}, {second.name_en} and {len(parties) - 2} more"
        titles = {
            "mou": (f"{names_ko} {field_ko} 업무협약", f"{field_en} MOU between {names_en}"),
            "loi": (f"{names_ko} 투자의향서", f"Letter of intent between {names_en}"),
            "council": (f"{first.name_ko} {field_ko}협의회", f"{field_en} council of {names_en}"),
            "committee": (
                f"{field_ko}박람회 조직위원회",
                f"Organizing committee of the {field_en} fair",
            ),
            "joint_program": (
                f"{first.name_ko} {field_ko} 오픈이노베이션 프로그램",
                f"{first.name_en} {field_en} open innovation program",
            ),
            "event": (f"{field_ko} 포럼", f"{field_en} forum"),
            "designation": (
                f"{second.name_ko} {field_ko} 거점기관 지정",
                f"Designation of {second.name_en} as {field_en} hub",
            ),
            "other": (f"{names_ko} {field_ko} 협력", f"{field_en} cooperation of {names_en}"),
        }
        title, title_en = titles[kind]
        date, precision, stated, basis = self.date()
        if kind in ("committee", "event") and date is not None:
            title, title_en = f"{date.year} {title}", f"{date.year} {title_en}"
        status = "concluded"
        if kind in ("council", "joint_program"):
            status = "ended" if date is not None and date.year < 2018 else "active"
        elif date is not None and date >= datetime.date(2026, 7, 1):
            status = "planned"
        place = ""
        if self.rng.random() < 0.4:
            place = self.rng.choice(
                [f"{first.name_ko} 대회의실", f"{self.rng.choice(CITIES)[0]} 컨벤션센터"]
            )
        cluster = None
        if clusters and self.rng.random() < 0.25:
            cluster = self.rng.randrange(len(clusters))
        _, first_role, other_role = AGREEMENT_KINDS[kind]
        roles = [first_role] + [other_role] * (len(parties) - 1)
        agreement = Agreement(
            title=title[:300],
            title_en=title_en[:300],
            kind=kind,
            date=date,
            date_precision=precision,
            date_stated=stated,
            date_basis=basis,
            place=place,
            summary=f"{names_ko}이(가) {field_ko} 분야 협력에 합의했다.",
            status=status,
            review_status=Agreement.ReviewStatus.PUBLISHED,
            is_synthetic=True,
        )
        return agreement, roles, cluster, field_ko


def _bulk_create(model, objects: list, progress: Callable[[int], None] | None = None):
    for start in range(0, len(objects), BATCH_SIZE):
        model.objects.bulk_create(objects[start : start + BATCH_SIZE])
        if progress:
            progress(min(start + BATCH_SIZE, len(objects)))
    return objects


def generate(
    *, organizations: int, agreements: int, seed: int, progress: Progress = _no_progress
) -> dict[str, int]:
    """Create a synthetic directory; refuse if one exists (its slugs would collide)."""
    if Organization.objects.filter(is_synthetic=True).exists():
        raise SyntheticDataExists
    directory = SyntheticDirectory(organizations=organizations, agreements=agreements, seed=seed)
    counts: dict[str, int] = {}
    with transaction.atomic():
        orgs = directory.organizations()
        rows = [
            Organization(
                name_ko=org.name_ko,
                name_en=org.name_en,
                slug=f"{SLUG_PREFIX}{index}-{slugify(org.name_en)}"[:100].rstrip("-"),
                kind=org.kind,
                region=org.region,
                review_status=Organization.ReviewStatus.PUBLISHED,
                is_synthetic=True,
            )
            for index, org in enumerate(orgs)
        ]
        for row, org in zip(rows, orgs, strict=True):
            row.index_names([name for name, _, _ in org.aliases])
        _bulk_create(Organization, rows, progress("organizations", len(rows)))
        for row, org in zip(rows, orgs, strict=True):
            org.pk = row.pk
        parents = [
            Organization(pk=org.pk, parent_id=orgs[org.parent].pk)
            for org in orgs
            if org.parent is not None
        ]
        Organization.objects.bulk_update(parents, ["parent"], batch_size=BATCH_SIZE)
        aliases = [
            OrganizationName(organization_id=org.pk, name=name, kind=kind, language=language)
            for org in orgs
            for name, kind, language in org.aliases
        ]
        _bulk_create(OrganizationName, aliases, progress("aliases", len(aliases)))
        counts["organizations"], counts["aliases"] = len(rows), len(aliases)

        clusters, memberships = _clusters(directory, orgs)
        _bulk_create(Cluster, clusters)
        members = [
            ClusterMembership(cluster_id=clusters[c].pk, organization_id=orgs[o].pk, role=role)
            for c, o, role in memberships
        ]
        _bulk_create(ClusterMembership, members, progress("memberships", len(members)))
        counts["clusters"], counts["memberships"] = len(clusters), len(members)

        counts.update(_agreements(directory, orgs, clusters, progress))
    return counts


def _clusters(directory: SyntheticDirectory, orgs: list[_Org]):
    rng = directory.rng
    by_region: dict[str, list[int]] = {}
    for index, org in enumerate(orgs):
        by_region.setdefault(org.region, []).append(index)
    operators = [i for i, org in enumerate(orgs) if org.kind in ("public_agency", "other")]
    clusters, memberships, names = [], [], set()
    for number in range(max(3, len(orgs) // 400) if orgs else 0):
        city_ko, city_en, region, latitude, longitude = rng.choice(CITIES)
        kind, kind_ko, kind_en = rng.choice(CLUSTER_KINDS)
        name_ko, name_en = f"{city_ko}{kind_ko}", f"{city_en} {kind_en}"
        phase = 2
        while name_ko in names:
            name_ko, name_en = f"{city_ko}{kind_ko} {phase}단지", f"{city_en} {kind_en} {phase}"
            phase += 1
        names.add(name_ko)
        operator = rng.choice(operators) if operators and rng.random() < 0.8 else None
        clusters.append(
            Cluster(
                name_ko=name_ko,
                name_en=name_en,
                slug=f"{SLUG_PREFIX}cluster-{number}-{slugify(name_en)}"[:100],
                kind=kind,
                region=region,
                city=f"{city_ko}시",
                operator_id=orgs[operator].pk if operator is not None else None,
                latitude=round(latitude + rng.uniform(-0.05, 0.05), 5),
                longitude=round(longitude + rng.uniform(-0.05, 0.05), 5),
                is_synthetic=True,
            )
        )
        local = by_region.get(region) or list(range(len(orgs)))
        size = min(len(local), int(rng.paretovariate(1.3) * 20))
        for member in dict.fromkeys(rng.choices(local, k=size)):
            memberships.append((number, member, _weighted(rng, MEMBERSHIP_ROLES)))
    return clusters, memberships


def _agreements(directory, orgs, clusters, progress) -> dict[str, int]:
    rng = directory.rng
    attraction = directory.attraction(orgs) if orgs else []
    counts = {"agreements": 0, "parties": 0, "news items": 0}
    if len(orgs) < 2:
        return counts
    advance = progress("agreements", directory.agreement_count)
    news_pks: list[int] = []
    titles: set[tuple[str, str]] = set()
    for start in range(0, directory.agreement_count, BATCH_SIZE):
        batch = []
        for _ in range(min(BATCH_SIZE, directory.agreement_count - start)):
            size = _weighted(rng, PARTY_COUNTS)
            chosen: dict[int, None] = {}
            while len(chosen) < size:
                chosen[rng.choices(range(len(orgs)), cum_weights=attraction)[0]] = None
            parties = [orgs[index] for index in chosen]
            batch.append((*directory.agreement(parties, clusters), parties))
        # One news item reports one to four agreements made about the same time.
        batch.sort(key=lambda item: item[0].date or datetime.date.min)
        news, reports = [], []
        position = 0
        while position < len(batch):
            group = batch[position : position + rng.choices((1, 2, 3, 4), (70, 20, 7, 3))[0]]
            position += len(group)
            news.append(_news_item(rng, group, titles, start + position))
            reports.append(group)
        _bulk_create(NewsItem, news)
        agreements = _bulk_create(Agreement, [item[0] for item in batch])
        parties, sources = [], []
        for item in news:
            news_pks.append(item.pk)
        for item, group in zip(news, reports, strict=True):
            for agreement, *_ in group:
                sources.append(Agreement.sources.through(agreement=agreement, newsitem=item))
                if rng.random() < 0.15:  # a follow-up article also cites it
                    follow_up = news_pks[rng.randrange(len(news_pks))]
                    if follow_up != item.pk:
                        sources.append(
                            Agreement.sources.through(agreement=agreement, newsitem_id=follow_up)
                        )
        for agreement, roles, cluster, _, members in batch:
            if cluster is not None:
                agreement.cluster_id = clusters[cluster].pk
            for org, role in zip(members, roles, strict=True):
                parties.append(
                    AgreementParty(agreement=agreement, organization_id=org.pk, role=role)
                )
        Agreement.objects.bulk_update(
            [a for a, _, cluster, _, _ in batch if cluster is not None], ["cluster"]
        )
        _bulk_create(AgreementParty, parties)
        _bulk_create(Agreement.sources.through, sources)
        counts["agreements"] += len(agreements)
        counts["parties"] += len(parties)
        counts["news items"] += len(news)
        advance(start + len(batch))
    return counts


def _news_item(rng: random.Random, group, titles, number: int) -> NewsItem:
    agreement, _, _, field_ko, parties = group[0]
    outlet, outlet_slug = rng.choice(OUTLETS)
    title = f"{parties[0].name_ko}, {parties[1].name_ko}와 {field_ko} 협력 나선다"
    if len(group) > 1:
        title = f"{field_ko} 협력 잇따라… {parties[0].name_ko} 등 {len(group)}건 협약"
    while (outlet, title) in titles:
        title += " (종합)"
    titles.add((outlet, title))
    dates = [item[0].date for item in group if item[0].date is not None]
    published = None
    if dates:
        published = min(max(dates) + datetime.timedelta(days=rng.randrange(3)), LAST_DAY)
    body = " ".join(
        f"{item[4][0].name_ko}은(는) {item[0].date_stated or '최근'} "
        f"{', '.join(org.name_ko for org in item[4][1:])}와(과) {item[3]} 분야 협력을 위한 "
        f"'{item[0].title}'을(를) 맺었다고 밝혔다."
        for item in group
    )
    return NewsItem(
        title=title[:300],
        outlet=outlet,
        reporter=rng.choice(REPORTERS),
        published_on=published,
        url=f"https://news.example.org/{outlet_slug}/{number}",
        body=body,
        is_synthetic=True,
        language="ko",
    )


def curated_records_depending_on_synthetic() -> dict[str, int]:
    """Curated records that refer to synthetic ones; removal waits until they are fixed."""
    found = {
        "organizations with a synthetic parent": Organization.objects.filter(
            is_synthetic=False, parent__is_synthetic=True
        ),
        "clusters operated by a synthetic organization": Cluster.objects.filter(
            is_synthetic=False, operator__is_synthetic=True
        ),
        "memberships of synthetic organizations in curated clusters": (
            ClusterMembership.objects.filter(
                cluster__is_synthetic=False, organization__is_synthetic=True
            )
        ),
        "agreements placed in a synthetic cluster": Agreement.objects.filter(
            is_synthetic=False, cluster__is_synthetic=True
        ),
        "parties of curated agreements that are synthetic organizations": (
            AgreementParty.objects.filter(
                agreement__is_synthetic=False, organization__is_synthetic=True
            )
        ),
        "curated agreements citing a synthetic news item": Agreement.objects.filter(
            is_synthetic=False, sources__is_synthetic=True
        ).distinct(),
    }
    counts = {label: queryset.count() for label, queryset in found.items()}
    return {label: count for label, count in counts.items() if count}


def remove() -> dict[str, int]:
    """Delete every synthetic record and what belongs to it, and nothing curated."""
    with transaction.atomic():
        blocking = curated_records_depending_on_synthetic()
        if blocking:
            raise CuratedRecordsDependOnSynthetic(blocking)
        synthetic_agreement = Q(agreement__is_synthetic=True)
        # Dependants go first, so each table is emptied with one DELETE: the deletion
        # collector would otherwise load every row (and per-alias signals would fire).
        steps: Iterable[tuple[str, object]] = [
            ("parties", AgreementParty.objects.filter(synthetic_agreement)),
            ("citations", Agreement.sources.through.objects.filter(synthetic_agreement)),
            ("agreements", Agreement.objects.filter(is_synthetic=True)),
            ("news items", NewsItem.objects.filter(is_synthetic=True)),
            ("memberships", ClusterMembership.objects.filter(cluster__is_synthetic=True)),
            ("clusters", Cluster.objects.filter(is_synthetic=True)),
            ("aliases", OrganizationName.objects.filter(organization__is_synthetic=True)),
        ]
        counts = {label: queryset._raw_delete(queryset.db) for label, queryset in steps}
        organizations = Organization.objects.filter(is_synthetic=True)
        organizations.exclude(parent=None).update(parent=None)
        counts["organizations"] = organizations._raw_delete(organizations.db)
    return counts
