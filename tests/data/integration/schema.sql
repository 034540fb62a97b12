-- The integration schema for replay and verify tests (and the exports tests): users; a child
-- with a RESTRICT foreign key; events with the email inside jsonb; invoices that are anonymized;
-- an audit log that is retained; a partitioned table. 2,000 subjects with mixed-case and padded
-- emails. README.md in this directory lists the subjects the tests erase and why.
CREATE TABLE users (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT '2020-01-01T00:00:00Z'
);
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
  total numeric(10, 2) NOT NULL
);
CREATE TABLE events (
  id bigserial PRIMARY KEY,
  user_id bigint REFERENCES users (id),
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT '2021-01-01T00:00:00Z'
);
CREATE TABLE invoices (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL,
  billing_name text,
  billing_email text NOT NULL,
  vat_number varchar(40),
  country char(2) NOT NULL DEFAULT 'DE',
  amount numeric(10, 2) NOT NULL
);
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  actor_id bigint NOT NULL,
  action text NOT NULL
);
CREATE TABLE page_views (
  id bigint NOT NULL,
  viewed_at date NOT NULL,
  user_email text,
  path text NOT NULL,
  PRIMARY KEY (id, viewed_at)
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2023 PARTITION OF page_views FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- Subject i's email, as the application happened to store it: Mixed case, padded, or plain.
CREATE FUNCTION stored_email(i bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE i % 3 WHEN 0 THEN 'User' || i || '@Example.com'
                    WHEN 1 THEN '  user' || i || '@EXAMPLE.com '
                    ELSE 'user' || i || '@example.com' END
$$;

INSERT INTO users (id, email, name) SELECT i, stored_email(i), 'Name ' || i FROM generate_series(1, 2000) i;
-- Subject 19 re-registered (new account, same email) after the erasure of 2024-06-01.
INSERT INTO users (id, email, name, created_at) VALUES (5019, 'user19@example.com', 'Name 19 again', '2025-01-15T00:00:00Z');

INSERT INTO orders (user_id, total) SELECT 1 + i % 2000, (i % 97) + 0.5 FROM generate_series(1, 4000) i;
INSERT INTO orders (user_id, total) VALUES (5019, 12.00);

INSERT INTO events (user_id, payload)
  SELECT 1 + i % 2000, jsonb_build_object('email', upper(stored_email(1 + i % 2000)), 'n', i)
  FROM generate_series(1, 6000) i;
-- A copy of subject 3's email on another user's event, and events without any user.
INSERT INTO events (user_id, payload) VALUES (1, '{"email": "user3@Example.COM", "n": -1}');
INSERT INTO events (user_id, payload) VALUES (NULL, '{"n": -2}'), (NULL, '{"email": null}');
-- The re-registered subject's new activity, after the erasure.
INSERT INTO events (user_id, payload, created_at)
  VALUES (5019, '{"email": "user19@example.com", "n": -3}', '2025-02-01T00:00:00Z');

INSERT INTO invoices (customer_id, billing_name, billing_email, vat_number, amount)
  SELECT 1 + i % 2000, 'Name ' || (1 + i % 2000), stored_email(1 + i % 2000),
         'DE' || lpad((100000 + i)::text, 9, '0'), (i % 500) + 0.99
  FROM generate_series(1, 3000) i;
-- Another account that paid with subject 7's email.
INSERT INTO invoices (customer_id, billing_name, billing_email, vat_number, amount)
  VALUES (999, 'Someone Else', 'USER7@example.com', NULL, 10.00);

INSERT INTO audit_log (actor_id, action) SELECT 1 + i % 2000, 'login ' || i FROM generate_series(1, 3000) i;

INSERT INTO page_views (id, viewed_at, user_email, path)
  SELECT i, DATE '2023-01-01' + (i % 700), stored_email(1 + i % 2000), '/page/' || (i % 50)
  FROM generate_series(1, 5000) i;
INSERT INTO page_views (id, viewed_at, user_email, path) VALUES (-1, '2024-03-03', NULL, '/anonymous');

ANALYZE;
