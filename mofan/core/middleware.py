"""Requests no page can answer sensibly, refused before any view runs; and the two
failures of the machine underneath (the database gone, the disk full) answered with a
page that says what happened instead of a bare 500."""

import errno
import logging
import sys
from urllib.parse import unquote_to_bytes

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger("mofan")

DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
RETRY_SECONDS = 30


class RejectNulMiddleware:
    """A NUL character in the query string is never a user's input (no form can send it)
    and PostgreSQL refuses it in any text it is given: answer 400 instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            return HttpResponseBadRequest(render_to_string("400.html", request=request))
        return self.get_response(request)


class DiskFullMiddleware:
    """An upload that meets a full disk: the storage removed what it wrote, the view's
    transaction rolled back; the user reads why (507) instead of a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OSError) and exception.errno in DISK_FULL:
            logger.error("disk full while handling %s: %s", request.path, exception)
            return HttpResponse(render_to_string("507.html", request=request), status=507)
        return None


def database_unavailable(exception) -> bool:
    """The database cannot be reached (refused, closed, restarting, failing over) — not a
    bad query, which stays a 500."""
    if isinstance(exception, OperationalError | InterfaceError):
        return True
    cause = getattr(exception, "__cause__", None)
    return isinstance(cause, OperationalError | InterfaceError) and isinstance(
        exception, DatabaseError)


def server_error(request, template_name="500.html"):
    """handler500: a database that went away gets its own page (503, 数据库暂时不可用),
    rendered without touching the database, with Retry-After; anything else is the 500."""
    exception = sys.exc_info()[1]
    if exception is not None and database_unavailable(exception):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_SECONDS)
        return response
    return defaults.server_error(request, template_name)
