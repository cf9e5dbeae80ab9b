import codecs
import csv
import io

# The columns of the curators' import files, every one filled (docs/csv.md).
ORGANIZATION_COLUMNS = ["id", "slug", "name_ko", "name_en", "aliases", "kind", "region", "parent"]
AGREEMENT_COLUMNS = [
    "id",
    "title",
    "kind",
    "date",
    "date_precision",
    "cluster",
    "parties",
    "sources",
]


def csv_rows(response) -> list[list[str]]:
    """The rows of a streamed CSV response, header first; it must start with a UTF-8 BOM."""
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(body[3:].decode("utf-8"), newline="")))


def csv_bytes(header: list[str], *rows: list) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")
