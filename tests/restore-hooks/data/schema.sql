-- A small schema for the restore-hook tests: a parent table, a child with a foreign key, and an
-- identifier inside jsonb. Subjects 1..40; the tests erase subjects 3 and 7.
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL DEFAULT '2020-01-01');
CREATE TABLE events (id bigserial PRIMARY KEY, user_id bigint REFERENCES users(id), payload jsonb NOT NULL);
CREATE TABLE marker (note text);
INSERT INTO users SELECT i, 'User' || i || '@Example.com' FROM generate_series(1, 40) i;
INSERT INTO events (user_id, payload)
  SELECT 1 + i % 40, jsonb_build_object('email', 'user' || (1 + i % 40) || '@example.com', 'n', i)
  FROM generate_series(1, 200) i;
-- copies of the subject's email inside jsonb on rows of other users
INSERT INTO events (user_id, payload) VALUES (1, '{"email": "USER3@example.com", "n": -1}');
