from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from bionet.middleware import client_ip_address


class ClientRateThrottle(AnonRateThrottle):
    """At most settings.API_RATE_LIMIT requests per client address; past it, 429 with
    Retry-After.

    The address is read as sign-in lockouts read it (bionet.middleware.client_ip_address):
    X-Forwarded-For counts only behind DJANGO_PROXY_HOPS proxies, so a client cannot escape
    the limit by sending the header itself. The counts live in the default cache.
    """

    scope = "client"

    def get_rate(self):
        # Read at each request, not once at import as DRF does, so that tests can change it.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_ident(self, request):
        return client_ip_address(request)
