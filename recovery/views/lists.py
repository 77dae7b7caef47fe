"""My queue and the complaint list: read-only screens, scoped by recovery.selectors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from accounts import roles
from common.htmx import HtmxHttpRequest
from common.localtime import local_day_bounds
from common.paging import CappedCountPaginator
from common.people import display_name
from common.views import role_required
from recovery import selectors
from recovery.filters import ComplaintFilter, active_filter_count

PAGE_SIZE = 25
# The list counts matches up to here (or as far as the page asked for needs), then says "more than".
LIST_COUNT_CAP = 10_000
# The filters behind "More filters"; search and sort are always in view.
MORE_FILTERS = (
    "stage",
    "group",
    "severity",
    "category",
    "owner",
    "received_from",
    "received_to",
    "closed_from",
    "closed_to",
    "outcome",
    "repeat",
    "cause",
    "open_on",
)
DEFAULT_SORT = "-received"


def _sort_state(current: str) -> dict[str, dict[str, str]]:
    """Return, for each sortable column, its aria-sort value and the sort a click on its header asks for."""
    state = {}
    for column, first in (("received", "-received"), ("due", "due")):
        if current == column:
            state[column] = {"aria": "ascending", "next": f"-{column}"}
        elif current == f"-{column}":
            state[column] = {"aria": "descending", "next": column}
        else:
            state[column] = {"aria": "none", "next": first}
    return state


@role_required(roles.can_work)
def my_queue(request: HttpRequest) -> HttpResponse:
    """Show the user's open complaints, the most urgent step first, with counts at the top."""
    now = timezone.now()
    _, end_of_today = local_day_bounds(timezone.localdate(now))
    # Overdue first, then due soonest; complaints waiting to be closed have no due time and come last
    # (SQLite would put NULLs first).
    queue = selectors.my_queue(request.user)
    counts = queue.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(step_due_at__lt=now)),
        due_today=Count("pk", filter=Q(step_due_at__gte=now, step_due_at__lt=end_of_today)),
    )
    paginator = Paginator(queue, PAGE_SIZE)
    paginator.count = counts["open"]  # already counted above: spare the database a second COUNT
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "recovery/queue.html", {"page": page, "counts": counts})


@role_required(roles.can_work)
def complaint_list(request: HtmxHttpRequest) -> HttpResponse:
    """List the complaints the user may see, filtered, searched, sorted and paginated from the URL.

    For htmx requests from the filter form or the page links, answer with the results region only
    (plus out-of-band updates of the count and of the messages next to the filters).
    """
    filterset = ComplaintFilter(request.GET, queryset=selectors.complaints_visible_to(request.user), request=request)
    page_number = request.GET.get("page")
    page = CappedCountPaginator(filterset.qs, PAGE_SIZE, page=page_number, count_cap=LIST_COUNT_CAP).get_page(
        page_number
    )
    form = filterset.form
    context = {
        "filter": filterset,
        "form": form,
        "more_filters": [form[name] for name in MORE_FILTERS],
        "page": page,
        "filters_valid": filterset.is_valid(),
        "active_filters": active_filter_count(filterset),
        "sort_state": _sort_state(form.cleaned_data.get("sort") or DEFAULT_SORT),
    }
    owner = form.cleaned_data.get("owner")
    if owner is not None and roles.is_manager(request.user):
        # One person's complaints: a manager may hand them all over from here (someone left, or is away).
        context["handover_owner"] = owner
        context["handover_owner_name"] = display_name(owner)
        context["handover_open"] = selectors.open_complaints_of(request.user, owner).exists()
    # A history restore (back button after the cache was evicted) needs the whole page.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "recovery/partials/list_results.html" if partial else "recovery/list.html"
    response = render(request, template, context)
    # The same URL answers with a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response
