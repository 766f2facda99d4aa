-- 0013: the town dashboard (HAZ-018) at city scale.  Open hazards are
-- counted through a covering partial index (only what is open, not the
-- years of closed ones); hazards closed per town and year are kept as a
-- counter, incremented in the transaction that closes one (a closed
-- hazard never reopens).
CREATE INDEX hazards_open ON hazards (town, status, level, escalation,
  step_due)
  WHERE status <> 'closed';

CREATE TABLE hazard_closed (
  town   TEXT NOT NULL,
  year   INTEGER NOT NULL,
  n      BIGINT NOT NULL,
  PRIMARY KEY (town, year)
);
INSERT INTO hazard_closed (town, year, n)
  SELECT town, CAST(substr(closed_on, 1, 4) AS INTEGER), COUNT(*)
  FROM hazards WHERE status = 'closed' AND closed_on IS NOT NULL
  GROUP BY town, CAST(substr(closed_on, 1, 4) AS INTEGER);

-- The overdue scan (HAZ-019) reads only this index: the open hazards by
-- the due date of their step, with what the lists filter on.
DROP INDEX hazards_due;
CREATE INDEX hazards_due ON hazards (step_due, status, town, escalation)
  WHERE status <> 'closed';
