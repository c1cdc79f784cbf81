-- What a finished run cost in USD, from its tokens and the price configured for its model
-- (agentry.models.prices); null when no price is configured.
ALTER TABLE runs ADD COLUMN cost_usd DOUBLE PRECISION;
