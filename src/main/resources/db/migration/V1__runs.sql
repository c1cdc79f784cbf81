-- Runs and their committed steps. Portable SQL: the same file migrates H2 and PostgreSQL.
-- Payload columns hold JSON text; 1,000,000 characters is the most either database stores in a
-- VARCHAR without switching to large-object storage, and the store truncates beyond it.

CREATE TABLE runs (
    id             VARCHAR(40)     NOT NULL PRIMARY KEY,
    agent          VARCHAR(63)     NOT NULL,
    status         VARCHAR(20)     NOT NULL,
    input          VARCHAR(1000000),
    output         VARCHAR(1000000),
    error          VARCHAR(10000),
    trigger_type   VARCHAR(16)     NOT NULL,
    trigger_by     VARCHAR(200),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at     TIMESTAMP WITH TIME ZONE,
    ended_at       TIMESTAMP WITH TIME ZONE,
    model_calls    INTEGER         NOT NULL DEFAULT 0,
    tool_calls     INTEGER         NOT NULL DEFAULT 0,
    input_tokens   BIGINT          NOT NULL DEFAULT 0,
    output_tokens  BIGINT          NOT NULL DEFAULT 0,
    owner          VARCHAR(200),
    lease_until    TIMESTAMP WITH TIME ZONE
);

CREATE INDEX runs_by_agent ON runs (agent, id);
CREATE INDEX runs_by_status ON runs (status, id);
CREATE INDEX runs_by_lease ON runs (status, lease_until);

CREATE TABLE run_steps (
    run_id         VARCHAR(40)     NOT NULL REFERENCES runs (id),
    idx            INTEGER         NOT NULL,
    type           VARCHAR(8)      NOT NULL,
    tool           VARCHAR(130),
    call_id        VARCHAR(200),
    arguments      VARCHAR(1000000),
    result         VARCHAR(1000000),
    status         VARCHAR(16)     NOT NULL,
    started_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    duration_ms    BIGINT          NOT NULL,
    input_tokens   BIGINT          NOT NULL DEFAULT 0,
    output_tokens  BIGINT          NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, idx)
);
