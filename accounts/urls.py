"""The account pages (/account/…) and the code page of signing in (/login/code/)."""

from __future__ import annotations

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/code/", views.login_code, name="login_code"),
    path("account/", views.account, name="account"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/two-step/", views.two_step_setup, name="two_step_setup"),
    path("account/two-step/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/two-step/off/", views.two_step_off, name="two_step_off"),
]
