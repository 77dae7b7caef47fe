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

        from common import navigation
        from recovery import digest, page_links
        from recovery.dashboard import register_panel
        from recovery.rollup.splits import register_split
        from training import signals
        from training.coaching.complaint_panel import coaching_section
        from training.dashboard_panel import passed_recovery_before_receipt, training_panel
        from training.digest import overdue_training_line

        # Everyone in a role (front line and managers) has training; managers find their screens from it.
        navigation.register_link(
            "Training",
            view_name="training:my_training",
            when="can_work",
            order=60,
            current_for=(
                "training:module_take",
                "training:attempt_detail",
                "training:module_list",
                "training:module_create",
                "training:module_edit",
                "training:module_assign",
                "training:matrix",
                "training:person_attempts",
                "training:coaching_review",
            ),
        )
        navigation.register_link(
            "Coaching",
            view_name="training:coaching",
            when="is_manager",
            order=65,
            current_for=("training:coaching_queue", "training:coaching_complaint", "training:coaching_review_create"),
        )
        # The complaint page (recovery) knows no training: training adds its coaching section.
        page_links.register_section("coaching", coaching_section, order=10)

        # The managers' daily digest (recovery) knows no training: training adds its line.
        digest.register_line("overdue_training", overdue_training_line, order=10)
        # Nor does its dashboard: training adds "Does training pay?" and its column in the handler table.
        register_panel("training", training_panel, order=10)
        # The dashboard's roll-up splits each handler's complaints by it, so the panel reads both sides there.
        register_split(passed_recovery_before_receipt)

        user_model = get_user_model()
        post_save.connect(signals.user_saved, sender=user_model, dispatch_uid="training_user_saved")
        m2m_changed.connect(
            signals.groups_changed, sender=user_model.groups.through, dispatch_uid="training_groups_changed"
        )
