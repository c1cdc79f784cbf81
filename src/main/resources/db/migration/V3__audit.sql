-- The audit journal: append-only records in one hash chain (see dev.agentry.audit.Chain) and signed
-- checkpoints. `body` is the exact text that was hashed. `seq` as the primary key is what keeps the chain
-- one line when replicas share the database: an insert of a seq another replica took first fails.

CREATE TABLE audit_records (
    seq         BIGINT          NOT NULL PRIMARY KEY,
    at          TIMESTAMP WITH TIME ZONE NOT NULL,
    type        VARCHAR(40)     NOT NULL,
    run_id      VARCHAR(40),
    agent       VARCHAR(130),
    body        VARCHAR(1000000) NOT NULL,
    hash        CHAR(64)        NOT NULL
);

CREATE INDEX audit_by_run ON audit_records (run_id, seq);
CREATE INDEX audit_by_agent ON audit_records (agent, seq);

CREATE TABLE audit_checkpoints (
    seq         BIGINT          NOT NULL PRIMARY KEY,
    hash        CHAR(64)        NOT NULL,
    at          TIMESTAMP WITH TIME ZONE NOT NULL,
    signature   VARCHAR(200)    NOT NULL
);
