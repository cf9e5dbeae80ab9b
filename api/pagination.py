from rest_framework.pagination import CursorPagination


class EntryOrderCursorPagination(CursorPagination):
    """Pages of 50 records (``?page_size=`` up to 100) in the order they were entered, each
    page linking the next and the previous by an opaque ``cursor``.

    The order is the primary key: it never changes and never repeats, so a client walking
    every page meets each record once, even while curators publish and rename records (a
    name or date order would move a renamed or redated record across the cursor).
    """

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
