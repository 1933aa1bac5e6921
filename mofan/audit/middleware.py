import ipaddress

from django.conf import settings

from .context import actor_for, current_actor


def client_ip(request):
    """The person's address for the audit log and the login lockout. Behind a reverse
    proxy listed in MOFAN_TRUSTED_PROXIES (nginx on 127.0.0.1), the address the proxy
    appended to X-Forwarded-For; a forwarded header from anyone else is ignored, so a
    client cannot choose the address it is logged under."""
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = getattr(settings, "MOFAN_TRUSTED_PROXIES", ())
    if remote in trusted:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        for hop in reversed([h for h in hops if h]):
            if hop not in trusted:
                try:
                    return str(ipaddress.ip_address(hop))
                except ValueError:
                    break  # not an address (a broken proxy chain): use the proxy's own
    return remote


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_actor.set(actor_for(getattr(request, "user", None), client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(token)
