"""A database filled before news and the network left the agreements app keeps every row, its
history, its content types and the Curators group's permissions when migrated forward; what
was public then is published.

The database is migrated back to the state before the move, filled through the models as they
were then, and migrated forward again; every table's rows are compared before and after.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from network.triggers import ensure_sqlite_triggers

# Before the move, and before organizations and agreements had a review status.
BEFORE_THE_MOVE = [("news", None), ("network", None), ("orgs", "0005_kind_region_name_index")]

# Tables the move renamed: old name -> new name. Every other table keeps its name.
RENAMED = {
    "agreements_newsitem": "news_newsitem",
    "agreements_historicalnewsitem": "news_historicalnewsitem",
    "agreements_newsmention": "news_newsmention",
    "agreements_historicalagreement_sources": "agreements_historicalagreementsource",
}
# Tables later migrations add rows to: every row of before is still there.
GROWN = {"auth_group", "auth_group_permissions"}
# Django's own bookkeeping changes with every migration: compared separately, not row by row.
BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission", "sqlite_sequence"}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.migrate(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def table_columns() -> dict[str, list[str]]:
    """Every table's columns; Django's bookkeeping left out."""
    with connection.cursor() as cursor:
        return {
            table: [
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
            ]
            for table in connection.introspection.table_names(cursor)
            if table not in BOOKKEEPING
        }


def table_rows(columns: dict[str, list[str]], renamed=None) -> dict[str, list[str]]:
    """The rows of each table, reading only the given columns (a later migration may have
    added others), from the table's new name when it has one."""
    rows = {}
    with connection.cursor() as cursor:
        for table, names in columns.items():
            selected = ", ".join(f'"{name}"' for name in names)
            cursor.execute(f'SELECT {selected} FROM "{(renamed or {}).get(table, table)}"')
            rows[table] = sorted(map(repr, cursor.fetchall()))
    return rows


def fill(apps):
    """One row in every directory table, as the code before the move wrote them."""
    Organization = apps.get_model("orgs", "Organization")
    OrganizationName = apps.get_model("orgs", "OrganizationName")
    Cluster = apps.get_model("clusters", "Cluster")
    ClusterMembership = apps.get_model("clusters", "ClusterMembership")
    NewsItem = apps.get_model("agreements", "NewsItem")
    NewsMention = apps.get_model("agreements", "NewsMention")
    Agreement = apps.get_model("agreements", "Agreement")
    AgreementParty = apps.get_model("agreements", "AgreementParty")
    now = datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC)

    khidi, kribb = (
        Organization.objects.create(
            name_ko=name, slug=slug, kind="public_agency", created=now, updated=now
        )
        for name, slug in [("한국보건산업진흥원", "khidi"), ("한국생명공학연구원", "kribb")]
    )
    OrganizationName.objects.create(organization=khidi, name="보산진", kind="short")
    osong = Cluster.objects.create(
        name_ko="오송첨단의료복합단지", slug="osong", kind="medical_complex", region="chungbuk",
        created=now, updated=now,
    )  # fmt: skip
    ClusterMembership.objects.create(cluster=osong, organization=kribb, role="resident")
    news_item = NewsItem.objects.create(
        title="보산진·생명연 업무협약", outlet="테스트신문", body="한국보건산업진흥원과 ...",
        created=now, updated=now,
    )  # fmt: skip
    NewsMention.objects.create(news_item=news_item, organization=khidi, text="한국보건산업진흥원",
                               start=0, end=9)  # fmt: skip
    agreement = Agreement.objects.create(
        title="업무협약", kind="mou", cluster=osong, created=now, updated=now
    )
    agreement.sources.add(news_item)
    for organization in (khidi, kribb):
        AgreementParty.objects.create(
            agreement=agreement, organization=organization, role="signatory"
        )
    for model, record in [(NewsItem, news_item), (Agreement, agreement)]:
        historical = apps.get_model(model._meta.app_label, f"Historical{model.__name__}")
        fields = {field.attname: getattr(record, field.attname) for field in model._meta.fields}
        historical.objects.create(**fields, history_date=now, history_type="+")
    history = apps.get_model("agreements", "HistoricalAgreement").objects.get()
    citation = Agreement.sources.through.objects.get()
    apps.get_model("agreements", "HistoricalAgreement_sources").objects.create(
        id=citation.pk, history=history, agreement=agreement, newsitem=news_item
    )


def curators_permissions(apps) -> set[tuple[int, str, str]]:
    group = apps.get_model("auth", "Group").objects.get(name="Curators")
    return set(group.permissions.values_list("pk", "content_type__app_label", "codename"))


@pytest.fixture
def migrated_back():
    """The database as it was before the move; migrated to the latest state afterwards, so
    the tests after this one find the schema they expect."""
    yield migrate(BEFORE_THE_MOVE)
    migrate(latest())
    ensure_sqlite_triggers()  # as after `manage.py migrate`: the tests after this one count


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_row_survives_the_move_of_news_and_network_to_their_own_apps(migrated_back):
    old_apps = migrated_back
    fill(old_apps)
    columns = table_columns()
    # The data version counts writes, and migrations write: its token must survive. The
    # search columns are derived from the names and recomputed by a later migration.
    columns["agreements_networkversion"] = ["id", "token"]
    columns["orgs_organization"] = [
        column
        for column in columns["orgs_organization"]
        if column not in ("search_names", "search_grams")
    ]
    before = table_rows(columns)
    permissions_before = curators_permissions(old_apps)
    assert ("agreements", "change_newsitem") in {
        (app, codename) for _pk, app, codename in permissions_before
    }

    new_apps = migrate(latest())

    after = table_rows(columns, renamed=RENAMED)
    for table, rows in before.items():
        if table in GROWN:
            assert set(rows) <= set(after[table]), table
        else:
            assert after[table] == rows, table
    # The permissions are the same rows, now naming the apps the models live in.
    permissions_after = curators_permissions(new_apps)
    moved = {
        (pk, "news" if codename.endswith(("newsitem", "newsmention")) else app, codename)
        for pk, app, codename in permissions_before
    }
    assert moved <= permissions_after
    assert {codename for _pk, _app, codename in permissions_after - moved} == {
        "add_agreementsource",
        "change_agreementsource",
        "delete_agreementsource",
        "view_agreementsource",
        "publish_agreement",
        "publish_organization",
    }
    # What was public before review states stays public.
    assert set(
        new_apps.get_model("orgs", "Organization").objects.values_list("review_status", flat=True)
    ) == {"published"}
    # The moved models read the rows the old ones wrote.
    news_item = new_apps.get_model("news", "NewsItem").objects.get()
    agreement = new_apps.get_model("agreements", "Agreement").objects.get()
    assert agreement.review_status == "published"
    citation = new_apps.get_model("agreements", "AgreementSource").objects.get()
    assert (citation.agreement_id, citation.newsitem_id) == (agreement.pk, news_item.pk)
    assert new_apps.get_model("news", "NewsMention").objects.get().news_item == news_item
    assert new_apps.get_model("news", "HistoricalNewsItem").objects.get().title == news_item.title
    assert new_apps.get_model("agreements", "HistoricalAgreementSource").objects.count() == 1
    content_types = new_apps.get_model("contenttypes", "ContentType").objects
    assert not content_types.filter(app_label="agreements", model__in=["newsitem", "newsmention"])
    assert content_types.filter(app_label="network", model="networkversion").exists()
