# ruff: noqa: S608 - SQL built only from our own table, column and step names; values are parameters
"""The PostgreSQL triggers that record a `FiguresChange` whenever a row the roll-up counts changes.

In the database rather than in the workflow, so that every way of changing a complaint (the workflow,
the admin, a data fix in SQL, an erasure) is seen. They only record what changed; the roll-up is
recomputed by recovery.rollup.build. Installed by migration recovery/0017 (PostgreSQL only).
"""

from __future__ import annotations

# The complaint columns the roll-up counts with: a change to any other (a note, the stage, the due time)
# leaves the figures as they are.
COUNTED_COLUMNS = (
    "customer_id",
    "category_id",
    "severity",
    "owner_id",
    "received_at",
    "closed_at",
    "outcome",
    "satisfaction",
    "root_cause",
    "apologized_at",
    "reinstated_at",
    "apologize_on_time",
    "reinstate_on_time",
    "empathize_on_time",
    "atone_on_time",
    "follow_up_on_time",
    "minutes_total",
    "atonement_total",
)


def _row(prefix: str) -> str:
    return "(" + ", ".join(f"{prefix}.{column}" for column in COUNTED_COLUMNS) + ")"


INSTALL = f"""
CREATE FUNCTION recovery_complaint_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO recovery_figureschange (complaint_id, customer_id, received_at, closed_at)
      VALUES (OLD.id, OLD.customer_id, OLD.received_at, OLD.closed_at);
  END IF;
  IF TG_OP = 'INSERT' OR (NEW.customer_id, NEW.received_at, NEW.closed_at)
      IS DISTINCT FROM (OLD.customer_id, OLD.received_at, OLD.closed_at) THEN
    INSERT INTO recovery_figureschange (complaint_id, customer_id, received_at, closed_at)
      VALUES (NEW.id, NEW.customer_id, NEW.received_at, NEW.closed_at);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER recovery_complaint_added_or_removed AFTER INSERT OR DELETE ON recovery_complaint
  FOR EACH ROW EXECUTE FUNCTION recovery_complaint_counted();
CREATE TRIGGER recovery_complaint_changed AFTER UPDATE ON recovery_complaint
  FOR EACH ROW WHEN ({_row("OLD")} IS DISTINCT FROM {_row("NEW")})
  EXECUTE FUNCTION recovery_complaint_counted();

CREATE FUNCTION recovery_customer_group_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO recovery_figureschange (complaint_id, customer_id, received_at, closed_at)
    SELECT id, customer_id, received_at, closed_at FROM recovery_complaint WHERE customer_id = NEW.id;
  RETURN NULL;
END $$;

CREATE TRIGGER recovery_customer_group_changed AFTER UPDATE OF "group" ON customers_customer
  FOR EACH ROW WHEN (OLD."group" IS DISTINCT FROM NEW."group")
  EXECUTE FUNCTION recovery_customer_group_changed();

CREATE FUNCTION recovery_survey_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.sent_at IS NOT NULL THEN
    INSERT INTO recovery_figureschange (complaint_id, sent_at) VALUES (OLD.complaint_id, OLD.sent_at);
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.sent_at IS NOT NULL THEN
    INSERT INTO recovery_figureschange (complaint_id, sent_at) VALUES (NEW.complaint_id, NEW.sent_at);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER recovery_survey_added_or_removed AFTER INSERT OR DELETE ON recovery_survey
  FOR EACH ROW EXECUTE FUNCTION recovery_survey_counted();
CREATE TRIGGER recovery_survey_changed AFTER UPDATE ON recovery_survey
  FOR EACH ROW WHEN ((OLD.complaint_id, OLD.sent_at, OLD.answered_at) IS DISTINCT FROM
                     (NEW.complaint_id, NEW.sent_at, NEW.answered_at))
  EXECUTE FUNCTION recovery_survey_counted();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS recovery_survey_changed ON recovery_survey;
DROP TRIGGER IF EXISTS recovery_survey_added_or_removed ON recovery_survey;
DROP FUNCTION IF EXISTS recovery_survey_counted();
DROP TRIGGER IF EXISTS recovery_customer_group_changed ON customers_customer;
DROP FUNCTION IF EXISTS recovery_customer_group_changed();
DROP TRIGGER IF EXISTS recovery_complaint_changed ON recovery_complaint;
DROP TRIGGER IF EXISTS recovery_complaint_added_or_removed ON recovery_complaint;
DROP FUNCTION IF EXISTS recovery_complaint_counted();
"""
