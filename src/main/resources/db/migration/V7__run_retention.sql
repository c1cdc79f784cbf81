-- Finished runs are deleted once they are older than agentry.runs.retention; this finds them.
CREATE INDEX runs_by_end ON runs (ended_at);
