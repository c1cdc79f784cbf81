-- What policy decided for each tool step: {"effect", "policy", "rule", "reason"} as JSON text; null
-- for steps that never reached policy (an unknown tool, arguments that do not match) and for steps
-- recorded before decisions were kept.
ALTER TABLE run_steps ADD COLUMN decision VARCHAR(10000);
