-- 0005: background jobs (docs/modules/job.md).  job_tick() asks for the
-- last run of each job every second; this index answers it without a
-- scan of a table that gains a row per run.
CREATE INDEX job_runs_job ON job_runs (job, started_at, id);
