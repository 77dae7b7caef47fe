"""Top-level URL configuration."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.forms import SignInForm
from health.views import healthz

# The 500 page with the request's id, and nothing else (common/views.py).
handler500 = "common.views.server_error"
# Not found: under /api/ a problem-details body, elsewhere the usual page (api/views/base.py).
handler404 = "api.views.base.not_found"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="recovery:my_queue", permanent=False), name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("accounts.urls")),
    path("", include("recovery.urls")),
    path("customers/", include("customers.urls")),
    path("policy/", include("policy.urls")),
    path("survey/", include("recovery.survey_urls")),
    path("training/", include("training.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("inbox/", include("intake.urls")),
    path("inbox/status-links/", include("intake.status_admin_urls")),
    # For customers, no sign-in: the public complaint form and the status page (intake/views/public.py, status.py).
    path("complain/", include("intake.public_urls")),
    path("status/", include("intake.status_urls")),
    # The REST API (api/): every view authenticates itself (a token, or the session for its docs page).
    path("api/v1/", include("api.urls")),
    path("account/api-tokens/", include("api.token_urls")),
    path("admin/", admin.site.urls),
    # For load balancers and monitoring: no sign-in, no data (health/views.py).
    path("healthz", healthz, name="healthz"),
]
