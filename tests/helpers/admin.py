"""Addresses of the Django admin's pages."""

from __future__ import annotations

from django.urls import reverse


def admin_url(model: str, view: str, *args) -> str:
    app_label, model_name = model.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)
