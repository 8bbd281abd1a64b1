-- Switchboard's shared idempotency store (switchboard.channel-deduplication.store=jdbc).
-- claim_token is set while a consumer holds the message (expires_at = its lease expiry) and NULL once processed
-- (expires_at = the end of the window). Times are epoch milliseconds of the consumers' clocks.
CREATE TABLE IF NOT EXISTS switchboard_idempotency (
	scope VARCHAR(255) NOT NULL,
	message_id VARCHAR(255) NOT NULL,
	claim_token VARCHAR(36),
	expires_at BIGINT NOT NULL,
	PRIMARY KEY (scope, message_id)
);
CREATE INDEX IF NOT EXISTS switchboard_idempotency_expires_at ON switchboard_idempotency (expires_at);
