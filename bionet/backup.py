"""
What a backup of the directory holds: every curated record, and nothing synthetic.

Records marked is_synthetic (generated test data) are left out with everything that belongs to
them: a synthetic organization's aliases, memberships and parties, a synthetic cluster's
memberships, a synthetic agreement's parties. Accounts, groups and the audit history are not
directory content and are left out too (see README, "Backup and restore").

A backup is Django's JSON serialization, with times to the microsecond (BackupEncoder);
read_backup() reads one back, naming what is wrong with a file that is not one.
"""

import datetime
import json

from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db.models import Q

from agreements.models import Agreement, AgreementParty, AgreementSource
from clusters.models import Cluster, ClusterMembership
from news.models import NewsItem
from orgs.models import Organization, OrganizationName

from .models import LoadedRecord

# In an order that restores without forward references (foreign keys are checked at commit
# anyway, so the order is for readers of the file).
DIRECTORY_MODELS = [
    Organization,
    OrganizationName,
    Cluster,
    ClusterMembership,
    NewsItem,
    Agreement,
    AgreementParty,
    AgreementSource,
    # What the directory data loaded: restored, so that loading it again brings back nothing
    # a curator deleted.
    LoadedRecord,
]


def curated_querysets():
    """(model label, queryset) for every curated record, each in primary-key order."""
    curated = Q(is_synthetic=False)
    filters = {
        Organization: curated,
        OrganizationName: Q(organization__is_synthetic=False),
        Cluster: curated,
        ClusterMembership: Q(cluster__is_synthetic=False) & Q(organization__is_synthetic=False),
        NewsItem: curated,
        Agreement: curated,
        AgreementParty: Q(agreement__is_synthetic=False) & Q(organization__is_synthetic=False),
        AgreementSource: Q(agreement__is_synthetic=False) & Q(newsitem__is_synthetic=False),
        LoadedRecord: Q(),
    }
    return [
        (model._meta.label, model._default_manager.filter(filters[model]).order_by("pk"))
        for model in DIRECTORY_MODELS
    ]


def curated_records_pointing_at_synthetic_ones() -> list[str]:
    """Curated records whose own fields name a synthetic record: a backup would break them."""
    problems = [
        f"organization “{o}” has the synthetic parent “{o.parent}”"
        for o in Organization.objects.filter(is_synthetic=False, parent__is_synthetic=True)
    ]
    problems += [
        f"cluster “{c}” has the synthetic operator “{c.operator}”"
        for c in Cluster.objects.filter(is_synthetic=False, operator__is_synthetic=True)
    ]
    problems += [
        f"agreement “{a}” is placed in the synthetic cluster “{a.cluster}”"
        for a in Agreement.objects.filter(is_synthetic=False, cluster__is_synthetic=True)
    ]
    problems += [
        f"agreement “{a}” cites a synthetic news item"
        for a in Agreement.objects.filter(is_synthetic=False, sources__is_synthetic=True).distinct()
    ]
    return problems


def directory_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in DIRECTORY_MODELS}


class BackupEncoder(DjangoJSONEncoder):
    """Django's JSON encoder, with times to the microsecond: Django cuts them to milliseconds
    (ECMA-262's format), so a restored record's ``created`` and ``updated`` would differ from
    the original's."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class BackupError(Exception):
    """The file is not a directory backup; ``str()`` says what is wrong with it."""


def read_backup(data: bytes):
    """The records of a backup file's bytes, as Django's deserializer yields them.

    Raises BackupError naming what is wrong: not UTF-8 (at which byte, or cut short in the
    middle of a character), not JSON (where: a file cut short ends in the middle of a value),
    or JSON that is not a list of records.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.end == len(data) and error.reason == "unexpected end of data":
            raise BackupError(
                f"it ends in the middle of a character (byte {error.start}): it was cut short"
            ) from None
        raise BackupError(
            f"it is not UTF-8 text (byte {error.start} is 0x{data[error.start]:02x}): "
            "is it a backup at all?"
        ) from None
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        cut = " (the file ends there: was it cut short?)" if error.pos >= len(text) else ""
        raise BackupError(
            f"it is not JSON: {error.msg} at line {error.lineno}, column {error.colno}{cut}"
        ) from None
    except RecursionError:
        raise BackupError("it is JSON nested far deeper than a backup is") from None
    if not isinstance(records, list):
        raise BackupError(f"it holds a JSON {type(records).__name__}, not a list of records")
    for number, record in enumerate(records, start=1):
        if not (
            isinstance(record, dict)
            and isinstance(record.get("model"), str)
            and isinstance(record.get("fields"), dict)
        ):
            raise BackupError(f"record {number} is not a record with a model and its fields")
    return BackupDeserializer(records)


class BackupDeserializer(PythonDeserializer):
    """Django's deserializer of parsed records, failing as its JSON one does: whatever is
    wrong with a record (an unknown field, a value of the wrong type) is a
    DeserializationError that says so."""

    def _handle_object(self, obj):
        try:
            yield from super()._handle_object(obj)
        except (GeneratorExit, DeserializationError):
            raise
        except Exception as error:
            raise DeserializationError(f"Error deserializing object: {error!r}") from error
