-- Schedules. An occurrence's identity is (agent, scheduled_at): whichever replica or retry fires it,
-- the primary key lets one insert win, so the same occurrence never starts twice.

-- What a scheduled run was started for.
ALTER TABLE runs ADD COLUMN trigger_scheduled_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE runs ADD COLUMN trigger_manual BOOLEAN DEFAULT FALSE NOT NULL;

-- One row per occurrence that was handled: started (with its run), buffered (waiting for the
-- previous run), skipped or missed (with the reason). A stretch of missed occurrences is one row
-- with their number in occurrences.
CREATE TABLE schedule_occurrences (
    agent          VARCHAR(63)     NOT NULL,
    scheduled_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    outcome        VARCHAR(16)     NOT NULL,
    run_id         VARCHAR(40),
    reason         VARCHAR(2000),
    occurrences    BIGINT          DEFAULT 1 NOT NULL,
    manual         BOOLEAN         DEFAULT FALSE NOT NULL,
    recorded_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (agent, scheduled_at)
);

CREATE INDEX schedule_occurrences_by_outcome ON schedule_occurrences (agent, outcome, scheduled_at);

-- A schedule's state across restarts and file edits: when it was first seen (occurrences missed
-- after that are caught up or recorded), and a pause or resume said over the API, which holds until
-- another is said or the file's own `paused` changes.
CREATE TABLE schedule_states (
    agent          VARCHAR(63)     NOT NULL PRIMARY KEY,
    first_seen     TIMESTAMP WITH TIME ZONE NOT NULL,
    paused         BOOLEAN,
    file_paused    BOOLEAN,
    changed_by     VARCHAR(200),
    changed_at     TIMESTAMP WITH TIME ZONE,
    reason         VARCHAR(2000)
);
