"""Tell the dashboard's roll-up when a pass moves complaints between "trained" and "not yet".

The roll-up splits each handler's complaints by whether the handler had passed the five-step recovery
before receiving them (training.dashboard_panel.passed_recovery_before_receipt). A pass recorded now
moves no complaint (none is received in the future); one recorded with an earlier time, changed or
deleted moves the handler's complaints received after it: this trigger records them as changed
(recovery.rollup), in the same transaction.
"""

from django.db import migrations

INSTALL = """
CREATE FUNCTION training_attempt_moves_complaints() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.passed THEN
    INSERT INTO recovery_figureschange (complaint_id, customer_id, received_at, closed_at)
      SELECT id, customer_id, received_at, closed_at FROM recovery_complaint
      WHERE owner_id = OLD.user_id AND received_at > OLD.submitted_at;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.passed THEN
    INSERT INTO recovery_figureschange (complaint_id, customer_id, received_at, closed_at)
      SELECT id, customer_id, received_at, closed_at FROM recovery_complaint
      WHERE owner_id = NEW.user_id AND received_at > NEW.submitted_at;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER training_attempt_moves_complaints AFTER INSERT OR UPDATE OR DELETE ON training_attempt
  FOR EACH ROW EXECUTE FUNCTION training_attempt_moves_complaints();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS training_attempt_moves_complaints ON training_attempt;
DROP FUNCTION IF EXISTS training_attempt_moves_complaints();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0004_coaching_reviews"),
        ("recovery", "0017_dashboard_rollup"),
    ]

    operations = [migrations.RunPython(install, remove)]
