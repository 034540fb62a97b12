-- What the demo application does live when it erases subjects (restore-hooks/drill.sh): the ids
-- are in the temporary table erase(id). The same changes the map asks replay to re-apply.
BEGIN;
CREATE TEMP TABLE erase_email AS
  SELECT lower(btrim(u.email)) AS email FROM users u JOIN erase e ON e.id = u.id;
DELETE FROM events WHERE user_id IN (SELECT id FROM erase)
   OR lower(btrim(payload->>'email')) IN (SELECT email FROM erase_email);
DELETE FROM tickets WHERE lower(btrim(contact->>'email')) IN (SELECT email FROM erase_email);
DELETE FROM orders WHERE user_id IN (SELECT id FROM erase);
UPDATE invoices SET billing_name = NULL, billing_email = '[redacted]'
  WHERE customer_id IN (SELECT id FROM erase)
     OR lower(btrim(billing_email)) IN (SELECT email FROM erase_email);
DELETE FROM users WHERE id IN (SELECT id FROM erase);
COMMIT;
