"""A step keeps the times it was given when it started; policy targets go in step order.

- `Complaint.step_escalates_at`: when managers are alerted about the current step, set with its due time,
  so a later change of the policy's grace no longer moves it at the next unrelated reminder reschedule.
  Open steps get it from their policy's grace as it stands now (what their pending escalation reminders
  already use).
- The targets must go in step order (apologize ≤ reinstate ≤ empathize ≤ atone × 24 h). A policy saved
  out of order before is repaired first by raising each later target to the one before it: a step cannot
  be done before the step it follows, so the lower target could never be met anyway. Due times already
  given to open steps stay as they are.
"""

from datetime import timedelta

import django.core.validators
import django.db.models.expressions
from django.db import migrations, models

STEPS = ("apologize", "reinstate", "empathize", "atone", "follow_up")


def forwards(apps, schema_editor):
    RecoveryPolicy = apps.get_model("recovery", "RecoveryPolicy")
    Complaint = apps.get_model("recovery", "Complaint")
    for policy in RecoveryPolicy.objects.all():
        policy.hours_to_reinstate = max(policy.hours_to_reinstate, policy.hours_to_apologize)
        policy.hours_to_empathize = max(policy.hours_to_empathize, policy.hours_to_reinstate)
        policy.days_to_atone = max(policy.days_to_atone, -(-policy.hours_to_empathize // 24))
        policy.save(update_fields=["hours_to_reinstate", "hours_to_empathize", "days_to_atone"])
        Complaint.objects.filter(severity=policy.severity, stage__in=STEPS, step_due_at__isnull=False).update(
            step_escalates_at=models.F("step_due_at") + timedelta(hours=policy.escalation_grace_hours)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('recovery', '0011_hand_over_notices'),
    ]

    operations = [
        migrations.AddField(
            model_name='complaint',
            name='step_escalates_at',
            field=models.DateTimeField(blank=True, help_text='When managers are alerted if the current step is still not done (set when the step starts).', null=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='recoverypolicy',
            name='days_to_atone',
            field=models.PositiveIntegerField(help_text='Calendar days from when the complaint is logged (or reopened), at the same clock time; at least 1, and at least the hours to empathize (a day counting 24 hours).', validators=[django.core.validators.MinValueValidator(1, message='Enter at least 1.')], verbose_name='days to atone'),
        ),
        migrations.AlterField(
            model_name='recoverypolicy',
            name='days_to_follow_up',
            field=models.PositiveIntegerField(help_text='Calendar days after the atonement, at the same clock time; at least 1.', validators=[django.core.validators.MinValueValidator(1, message='Enter at least 1.')], verbose_name='days after atonement to follow up'),
        ),
        migrations.AlterField(
            model_name='recoverypolicy',
            name='escalation_grace_hours',
            field=models.PositiveIntegerField(help_text='Hours a step may stay overdue before managers are alerted; at least 1.', validators=[django.core.validators.MinValueValidator(1, message='Enter at least 1.')], verbose_name='grace before escalation (hours)'),
        ),
        migrations.AlterField(
            model_name='recoverypolicy',
            name='hours_to_apologize',
            field=models.PositiveIntegerField(help_text='Hours from when the complaint is logged (or reopened); at least 1.', validators=[django.core.validators.MinValueValidator(1, message='Enter at least 1.')], verbose_name='hours to apologize'),
        ),
        migrations.AlterField(
            model_name='recoverypolicy',
            name='hours_to_empathize',
            field=models.PositiveIntegerField(help_text='Hours from when the complaint is logged (or reopened); at least 1, and at least the hours to reinstate.', validators=[django.core.validators.MinValueValidator(1, message='Enter at least 1.')], verbose_name='hours to empathize'),
        ),
        migrations.AlterField(
            model_name='recoverypolicy',
            name='hours_to_reinstate',
            field=models.PositiveIntegerField(help_text='Hours from when the complaint is logged (or reopened); at least 1, and at least the hours to apologize.', validators=[django.core.validators.MinValueValidator(1, message='Enter at least 1.')], verbose_name='hours to reinstate'),
        ),
        migrations.AddConstraint(
            model_name='recoverypolicy',
            constraint=models.CheckConstraint(condition=models.Q(('hours_to_empathize__gte', models.F('hours_to_reinstate')), ('hours_to_empathize__lte', django.db.models.expressions.CombinedExpression(models.F('days_to_atone'), '*', models.Value(24))), ('hours_to_reinstate__gte', models.F('hours_to_apologize'))), name='policy_targets_in_step_order', violation_error_message='The targets go in step order: apologize ≤ reinstate ≤ empathize (hours) ≤ atone (days, a day counting 24 hours).'),
        ),
        migrations.AlterConstraint(
            model_name='recoverypolicy',
            name='policy_targets_positive',
            constraint=models.CheckConstraint(condition=models.Q(('days_to_atone__gte', 1), ('days_to_follow_up__gte', 1), ('escalation_grace_hours__gte', 1), ('hours_to_apologize__gte', 1), ('hours_to_empathize__gte', 1), ('hours_to_reinstate__gte', 1)), name='policy_targets_positive', violation_error_message='Every target is at least 1.'),
        ),
    ]
