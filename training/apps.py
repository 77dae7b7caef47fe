from __future__ import annotations

from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """Training modules, their checks, who must take them and every attempt."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_save

        from training import signals

        user_model = get_user_model()
        post_save.connect(signals.user_saved, sender=user_model, dispatch_uid="training_user_saved")
        m2m_changed.connect(
            signals.groups_changed, sender=user_model.groups.through, dispatch_uid="training_groups_changed"
        )
