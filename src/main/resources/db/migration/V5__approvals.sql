-- Tool calls that wait for a person's decision, and how long runs have waited for them.
-- A parked run ('awaiting_approval') holds no lease; parked_at says since when it waits, and
-- waited_ms sums its earlier waits, which do not count against the run's timeout.

ALTER TABLE runs ADD COLUMN parked_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE runs ADD COLUMN waited_ms BIGINT NOT NULL DEFAULT 0;

CREATE TABLE approvals (
    id             VARCHAR(40)     NOT NULL PRIMARY KEY,
    run_id         VARCHAR(40)     NOT NULL REFERENCES runs (id),
    agent          VARCHAR(63)     NOT NULL,
    step           INTEGER         NOT NULL,
    call_id        VARCHAR(200)    NOT NULL,
    tool           VARCHAR(130)    NOT NULL,
    arguments      VARCHAR(1000000),
    origin         VARCHAR(16)     NOT NULL,
    policy         VARCHAR(63),
    rule           VARCHAR(100),
    reason         VARCHAR(10000),
    status         VARCHAR(16)     NOT NULL,
    requested_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    decided_at     TIMESTAMP WITH TIME ZONE,
    decided_by     VARCHAR(300),
    comment        VARCHAR(10000),
    CONSTRAINT approvals_one_per_call UNIQUE (run_id, call_id)
);

CREATE INDEX approvals_by_status ON approvals (status, id);
CREATE INDEX approvals_by_expiry ON approvals (status, expires_at);
