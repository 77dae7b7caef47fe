"""Coaching on real cases: a manager's review of a closed complaint, the handler's replies, calibration.

- `rules`: the words (ratings and their scores, what "the coach and the customer agree" means).
- `models`: `CoachingReview` (+ `StepRating`), `CoachingReply`, `CalibrationRequest`, `CoachingNotice`
  (the emails: a review is in, a blind review is asked of you; a `LeasedEmail`); imported by
  `training/models.py` so Django finds them.
- `services`: every write; `selectors`: every read and who may see what; `sending`: the notices' delivery.
- `views`/`forms`: the pages under `/training/coaching/`; `complaint_panel`: the section on the complaint
  page; `demo`: `seed_demo`'s coaching.
"""
