"""The dashboard's roll-up: each day's figures per cohort and slice, kept right from the complaints.

- `models`: `DailyFigures` (one day, one cohort, one slice: counts, sums, histograms of step times) and
  `FiguresChange` (a complaint, customer or survey row changed: the days it touches must be recomputed);
- `histogram`: the buckets step times are counted in, and percentiles read back from them (within 1%);
- `build`: recompute the days that changes touched (`apply_changes`), or all of them (`rebuild`);
- `triggers`: the PostgreSQL triggers that write a `FiguresChange` whatever changes the rows.

Only PostgreSQL keeps the roll-up (the triggers are PostgreSQL's); elsewhere the dashboard counts from
the complaints themselves. Nothing here imports recovery.dashboard: the dashboard reads this, not the
other way round.
"""
