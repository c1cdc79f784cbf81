-- API keys. Only the SHA-256 of a key is kept (keys are 256 random bits, so a fast hash suffices);
-- the key itself is shown once, when it is created. A revoked key keeps its row, for the record.

CREATE TABLE api_keys (
    id            VARCHAR(40)     NOT NULL PRIMARY KEY,
    name          VARCHAR(63)     NOT NULL,
    role          VARCHAR(16)     NOT NULL,
    agents        VARCHAR(4000)   NOT NULL,
    key_hash      CHAR(64)        NOT NULL UNIQUE,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by    VARCHAR(200)    NOT NULL,
    revoked_at    TIMESTAMP WITH TIME ZONE
);
