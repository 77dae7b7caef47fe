"""A customer's personal data: everything held about them as one JSON download, and its erasure.

- `export.customer_export`: the customer's record, complaints (steps, timeline, surveys) and the emails
  CareDesk owed or sent them, as plain data in the shape `export.FORMAT` names; recorded as a
  `PersonalDataRecord` (who, when; never what).
- `erasure.customer_erase`: replaces their name, contact details and the free text of their
  complaints, steps, notes, timeline and survey answers, cancels the emails still owed to them, in
  one transaction; every count, time, outcome and cost stays as it was, so the dashboard does not move.
- `views`: the managers' download and the confirm page (`customers:customer_export`,
  `customers:customer_erase`).

These modules read and write recovery's rows (complaints belong to customers); recovery never
imports them, so the dependency points one way, as `customers.selectors` already does.
"""
