"""A published agreement links at least two organizations: on PostgreSQL, in the database too.

Two constraint triggers, DEFERRABLE INITIALLY DEFERRED, check at commit every agreement a
transaction published or took a party from (a party deleted, moved to another agreement or
given another organization), so that a transaction may take a party off and put the right one
on: if it leaves a published agreement linking fewer than two organizations, the commit fails
with an IntegrityError (SQLSTATE 23514) naming it. SQLite has no deferred triggers; there,
agreements.services.agreement_parties_check, which every path calls first, is the guard.

Agreements published with fewer before the rule was kept (the admin's delete action, a moved
party, a merge) go back to drafts, on both databases: off the public pages, the exports and
the network until a curator gives them their parties and publishes them again. The admin's
front page lists the drafts waiting for review.
"""

from django.db import migrations
from django.db.models import Count

FUNCTION = """
CREATE OR REPLACE FUNCTION agreements_published_links_two() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    checked bigint;
    title text;
BEGIN
    IF TG_TABLE_NAME = 'agreements_agreement' THEN
        checked := NEW.id;
    ELSE
        checked := OLD.agreement_id;
    END IF;
    -- The agreement as the transaction leaves it: deleted, or no longer published, is fine.
    SELECT agreement.title INTO title
      FROM agreements_agreement AS agreement
     WHERE agreement.id = checked
       AND agreement.review_status = 'published'
       AND (SELECT count(DISTINCT party.organization_id)
              FROM agreements_agreementparty AS party
             WHERE party.agreement_id = agreement.id) < 2;
    IF FOUND THEN
        RAISE EXCEPTION 'published agreement % (%) links fewer than two organizations',
                checked, title
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'agreements_published_links_two',
                  HINT = 'Give it another party, or withdraw it, in the same transaction.';
    END IF;
    RETURN NULL;
END
$$
"""
TRIGGERS = [
    # A party taken away: deleted, moved, or another organization.
    "CREATE CONSTRAINT TRIGGER agreements_party_leaves_two "
    "AFTER UPDATE OF agreement_id, organization_id OR DELETE ON agreements_agreementparty "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    "EXECUTE FUNCTION agreements_published_links_two()",
    # An agreement published, or entered published.
    "CREATE CONSTRAINT TRIGGER agreements_agreement_links_two "
    "AFTER INSERT OR UPDATE OF review_status ON agreements_agreement "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    "EXECUTE FUNCTION agreements_published_links_two()",
]
DROP = [
    "DROP TRIGGER IF EXISTS agreements_party_leaves_two ON agreements_agreementparty",
    "DROP TRIGGER IF EXISTS agreements_agreement_links_two ON agreements_agreement",
    "DROP FUNCTION IF EXISTS agreements_published_links_two()",
]


def unpublish_short(apps, schema_editor):
    Agreement = apps.get_model("agreements", "Agreement")
    short = (
        Agreement.objects.filter(review_status="published")
        .annotate(linked=Count("parties__organization", distinct=True))
        .filter(linked__lt=2)
    )
    Agreement.objects.filter(pk__in=list(short.values_list("pk", flat=True))).update(
        review_status="draft"
    )


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in [FUNCTION, *TRIGGERS]:
            # No parameters: the "%" in RAISE are PL/pgSQL's, not the driver's.
            schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0014_month_day_and_english_summary"),
    ]

    operations = [
        migrations.RunPython(unpublish_short, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
