"""The customer's follow-up survey: public pages, reached from the link in the survey email.

No sign-in (`login_not_required`): the signed token in the URL is the only key, it names one
survey, expires, and works once (`recovery.surveys`). Every way a link can be wrong ends on a
friendly page with a fitting status, never an error page. Requests are rate-limited per client
address (django-ratelimit, counters in the shared cache), so the pages cannot be used to probe
tokens or flood a complaint's timeline.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from common.errors import DomainError
from common.forms import focus_first_error
from common.ratelimits import limited_per_client
from recovery import surveys
from recovery.forms.survey import SurveyForm

PROBLEM_STATUS = {
    surveys.SurveyProblem.INVALID: 404,
    surveys.SurveyProblem.EXPIRED: 410,
    surveys.SurveyProblem.ANSWERED: 200,
}


# Count every request per client address; over the limit, the view sees `request.limited`.
_rate_limited = limited_per_client(setting="SURVEY_RATE_LIMIT")


def _problem(request: HttpRequest, problem: str, status: int) -> HttpResponse:
    response = render(request, "recovery/survey_problem.html", {"problem": problem}, status=status)
    return _private(response)


def _private(response: HttpResponse) -> HttpResponse:
    # The token is in the URL: keep it out of search engines. Other sites never see it as a referrer
    # (SECURE_REFERRER_POLICY is same-origin); "no-referrer" here would make browsers send
    # `Origin: null` with the form, which CSRF protection rightly refuses.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@_rate_limited
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """Show the three questions and record the answer once."""
    if getattr(request, "limited", False):
        return _problem(request, "busy", 429)
    try:
        open_survey = surveys.survey_open(token)
    except surveys.SurveyLinkError as exc:
        return _problem(request, exc.problem, PROBLEM_STATUS[exc.problem])
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            surveys.survey_answer(
                token=token,
                satisfaction=data["satisfaction"],
                would_return=data["would_return"],
                comment=data["comment"],
            )
        except surveys.SurveyLinkError as exc:
            return _problem(request, exc.problem, PROBLEM_STATUS[exc.problem])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("survey:survey_thanks")
    focus_first_error(form)
    context = {"form": form, "reference": open_survey.complaint.reference}
    return _private(render(request, "recovery/survey.html", context))


@login_not_required
@require_safe
def survey_thanks(request: HttpRequest) -> HttpResponse:
    """Where the survey lands after an answer (no token in the URL, so reloading is harmless)."""
    return render(request, "recovery/survey_problem.html", {"problem": "thanks"})
