"""A budget per client for work no cache holds yet.

A cached selection costs a lookup; an uncached one costs an analysis, a file or a search of
the network, done once (computed in the request when small, queued when large). One client
asking for many different ones (every year range, every filter combination) would keep the
worker and the database busy for everyone else, so each client may start
``settings.UNCACHED_WORK_PER_CLIENT`` of them per period; past that it is answered 429 with
the seconds to wait in ``Retry-After``. Clients are told apart by address, as sign-in
lockouts tell them (bionet.middleware.client_ip_address).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from bionet.lib.error_pages import error_page
from bionet.middleware import client_ip_address

PERIODS = {"second": 1, "minute": 60, "hour": 60 * 60, "day": 24 * 60 * 60}


class OverBudget(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


def rate() -> tuple[int, int]:
    """(requests, period in seconds) of ``UNCACHED_WORK_PER_CLIENT``, e.g. "20/minute"."""
    count, period = settings.UNCACHED_WORK_PER_CLIENT.split("/")
    return int(count), PERIODS[period]


def spend(request) -> None:
    """Count one piece of uncached work against the request's client; raise OverBudget
    when the client has spent its budget for the current period."""
    allowed, key, retry_after = _budget(request)
    cache.add(key, 0, retry_after + 1)
    try:
        spent = cache.incr(key)
    except ValueError:  # expired in between
        cache.set(key, 1, retry_after + 1)
        spent = 1
    if spent > allowed:
        raise OverBudget(retry_after=retry_after)


def ensure_affordable(request) -> None:
    """Raise OverBudget when the request's client has no budget left, spending none: checked
    before the cheaper steps that precede uncached work (counting a selection's parties), so
    that a client past its budget is refused at the cost of a cache lookup."""
    allowed, key, retry_after = _budget(request)
    if cache.get(key, 0) >= allowed:
        raise OverBudget(retry_after=retry_after)


def _budget(request) -> tuple[int, str, int]:
    """(work allowed per period, the client's counter for this period, seconds until the
    next period)."""
    allowed, period = rate()
    now = time.time()
    window = int(now // period)
    key = f"bionet:budget:{client_ip_address(request)}:{window}"
    return allowed, key, max(1, int((window + 1) * period - now) + 1)


def spender(request):
    """``spend`` for ``request``, as the callable the network's analyses take."""
    return lambda: spend(request)


def over_budget_response(exception: OverBudget):
    response = error_page("429.html", status=429)
    response["Retry-After"] = str(exception.retry_after)
    return response
