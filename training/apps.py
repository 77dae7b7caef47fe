from __future__ import annotations

from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """Customer-service policy, training and coaching; its models come with the training work."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "training"
    verbose_name = "Training"
