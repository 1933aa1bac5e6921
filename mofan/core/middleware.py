"""Requests no page can answer sensibly, refused before any view runs."""

from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string


class RejectNulMiddleware:
    """A NUL character in the query string is never a user's input (no form can send it)
    and PostgreSQL refuses it in any text it is given: answer 400 instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            return HttpResponseBadRequest(render_to_string("400.html", request=request))
        return self.get_response(request)
