-- The drill's demo application (restore-hooks/drill.sh): :subjects users across related tables.
-- Identifiers appear as ids, as mixed-case and padded emails, and inside jsonb (events.payload,
-- tickets.contact). One table is in no data map on purpose: newsletter, a marketing list the
-- application's erasure forgets too; `tombstone discover` finds it (docs/drill.md). Run with
-- psql -v subjects=N. Deterministic: the same N gives the same rows.
CREATE ROLE drill_app LOGIN;
CREATE TABLE users (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
  total numeric(10, 2) NOT NULL,
  placed_at timestamptz NOT NULL
);
CREATE TABLE events (
  id bigserial PRIMARY KEY,
  user_id bigint REFERENCES users (id),
  payload jsonb NOT NULL
);
CREATE TABLE tickets (                 -- support tickets: the contact is only inside jsonb
  id bigserial PRIMARY KEY,
  contact jsonb NOT NULL,
  subject text NOT NULL
);
CREATE TABLE invoices (                -- kept for tax law, anonymized on erasure
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL,
  billing_name text,
  billing_email text NOT NULL,
  amount numeric(10, 2) NOT NULL
);
CREATE TABLE audit_log (               -- retained: security log, legal obligation
  id bigserial PRIMARY KEY,
  actor_id bigint NOT NULL,
  action text NOT NULL
);
CREATE TABLE newsletter (              -- forgotten by the application and by the map
  id bigserial PRIMARY KEY,
  address text NOT NULL,
  subscribed_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO drill_app;

INSERT INTO users
  SELECT i,
         CASE i % 3 WHEN 0 THEN 'User' || i || '@Example.com'
                    WHEN 1 THEN ' user' || i || '@example.COM '
                    ELSE 'user' || i || '@example.com' END,
         'Name ' || i,
         timestamptz '2020-01-01 00:00:00+00' + i * interval '1 hour'
  FROM generate_series(1, :subjects) i;
INSERT INTO orders (user_id, total, placed_at)
  SELECT 1 + (i % :subjects), (i % 997) / 10.0, timestamptz '2023-01-01 00:00:00+00' + i * interval '1 minute'
  FROM generate_series(1, 3 * :subjects) i;
INSERT INTO events (user_id, payload)
  SELECT 1 + (i % :subjects),
         jsonb_build_object('email', 'user' || (1 + (i % :subjects)) || '@example.com', 'kind', 'login', 'n', i)
  FROM generate_series(1, 8 * :subjects) i;
-- events that mention a subject by email only (a shared link, an invitation)
INSERT INTO events (user_id, payload)
  SELECT NULL, jsonb_build_object('email', 'USER' || (1 + (i * 7) % :subjects) || '@EXAMPLE.COM', 'kind', 'invite')
  FROM generate_series(1, :subjects / 10) i;
INSERT INTO tickets (contact, subject)
  SELECT jsonb_build_object('email', 'user' || (1 + (i * 13) % :subjects) || '@example.com', 'phone', '555-' || i),
         'ticket ' || i
  FROM generate_series(1, :subjects / 2) i;
INSERT INTO invoices (customer_id, billing_name, billing_email, amount)
  SELECT 1 + (i % :subjects), 'Name ' || (1 + (i % :subjects)), 'user' || (1 + (i % :subjects)) || '@example.com', (i % 500) + 0.5
  FROM generate_series(1, 2 * :subjects) i;
INSERT INTO audit_log (actor_id, action)
  SELECT 1 + (i % :subjects), 'login' FROM generate_series(1, 2 * :subjects) i;
INSERT INTO newsletter (address, subscribed_at)
  SELECT 'user' || i || '@example.com', timestamptz '2022-01-01 00:00:00+00' + i * interval '1 hour'
  FROM generate_series(1, :subjects) i;
ANALYZE;
