"""Notices to a complaint's new owner (Reminder kinds `assigned` and `escalated`, one per hand-over event),
and one rule for the escalated flag: a complaint is escalated while it is with the manager it was
escalated to. Complaints handed on before this rule existed have their escalation ended here (their
timeline keeps it); the workflow keeps the rule from now on (recovery.workflow._reassign)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def end_handed_on_escalations(apps, schema_editor):
    """End the escalation of complaints no longer with the manager they were escalated to."""
    Complaint = apps.get_model("recovery", "Complaint")
    Complaint.objects.filter(escalated_to__isnull=False).exclude(escalated_to=F("owner")).update(
        escalated_to=None, escalated_at=None, escalation_reason="", version=F("version") + 1
    )


class Migration(migrations.Migration):

    dependencies = [
        ('recovery', '0010_complaint_facts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(end_handed_on_escalations, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='reminder',
            name='reminder_one_per_due_event',
        ),
        migrations.RemoveConstraint(
            model_name='reminder',
            name='reminder_kind_valid',
        ),
        migrations.AddField(
            model_name='reminder',
            name='event',
            field=models.ForeignKey(blank=True, help_text='The hand-over (reassignment or escalation) a notice to the new owner is about.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='recovery.complaintevent'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='kind',
            field=models.CharField(choices=[('step_due_soon', 'Step due soon'), ('step_overdue', 'Step overdue'), ('follow_up_due', 'Follow-up due'), ('escalation', 'Escalation to managers'), ('acknowledgement', 'Acknowledgement to the customer'), ('customer_survey', 'Follow-up survey to the customer'), ('assigned', 'Handed over (to the new owner)'), ('escalated', 'Escalated (to the manager)')], max_length=32),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.UniqueConstraint(condition=models.Q(('kind__in', ('assigned', 'escalated')), _negated=True), fields=('complaint', 'kind', 'round', 'step'), name='reminder_one_per_due_event'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.UniqueConstraint(fields=('event',), name='reminder_one_per_hand_over'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('event__isnull', False), ('kind__in', ('assigned', 'escalated'))), models.Q(models.Q(('kind__in', ('assigned', 'escalated')), _negated=True), ('event__isnull', True)), _connector='OR'), name='reminder_notice_has_event'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['step_due_soon', 'step_overdue', 'follow_up_due', 'escalation', 'acknowledgement', 'customer_survey', 'assigned', 'escalated'])), name='reminder_kind_valid'),
        ),
    ]
