from .context import actor_for, current_actor


def client_ip(request):
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_actor.set(actor_for(getattr(request, "user", None), client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(token)
