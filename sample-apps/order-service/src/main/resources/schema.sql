-- The order service's orders (the outbox table comes from Switchboard's own script).
CREATE TABLE IF NOT EXISTS orders (
	id VARCHAR(64) PRIMARY KEY,
	sku VARCHAR(64) NOT NULL,
	quantity INTEGER NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
