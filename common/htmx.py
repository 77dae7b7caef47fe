"""The request type of a view that answers htmx: Django's request with django-htmx's `request.htmx`."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request as `django_htmx.middleware.HtmxMiddleware` leaves it, for type checking views."""

    htmx: HtmxDetails
