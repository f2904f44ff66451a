-- Notifications (REFERENCE 1.7, 5.2, 6.1): the outbound log, about 219 rows per instruction,
-- the biggest table by far (5.1M rows at scale 1.0), so every row costs one hash draw: u (the
-- row's place in or outside the valid subset) and, from its lower bits, v (template) and w
-- (recipient, read, sent). Notification n belongs to instruction 1 + (n - 1) x I / N, so ids
-- grow with time like the instructions'. The primary key is built after the load (a sorted
-- build is several times cheaper than 5M insertions into the index); the pathologies are
-- then set on a small seeded sample of rows, looked up by id.
--
-- Outside the valid subset (`send AND template_context non-empty AND recipient_id NOT NULL`),
-- by u against the share p (`outside` 1 to 4): [0, .45p) send = false, [.45p, .7p) NULL
-- context, [.7p, .85p) '' context, [.85p, p) NULL recipient. Templates 0-6 are about an order (content type 9, item =
-- the instruction), 7 a payment (33), 8 a file (20), 9 a patient (11); 10-11 name no item.

ALTER TABLE dispatch_notification DROP CONSTRAINT dispatch_notification_pkey;

INSERT INTO dispatch_notification (id, created_at, sender, template_name, template_context, read,
                                   item_id, item_type_id, recipient_id, sent, send)
SELECT n.id,
       least(s.t0 + ((n.id * 7919) % 86400) * interval '1 minute', synthetic.clock()),
       'no-reply@brius.com',
       (ARRAY['order_submitted', 'order_accepted', 'order_shipped', 'plan_ready', 'plan_approved',
              'task_assigned', 'order_status', 'payment_received', 'file_uploaded',
              'patient_added', 'password_reset', 'weekly_digest'])[1 + n.tpl],
       CASE n.outside WHEN 2 THEN NULL WHEN 3 THEN ''
            ELSE '{"' || (ARRAY['order', 'order', 'order', 'order', 'order', 'order', 'order',
                                'payment', 'file', 'patient', 'user', 'week'])[1 + n.tpl]
                 || '": ' || coalesce(i.item, 1 + n.id % 52) || '}' END,
       n.w < 0.55,
       i.item, i.item_type,
       CASE WHEN n.outside = 4 THEN NULL
            WHEN n.w < 0.7 THEN coalesce(s.doctor_user, s.patient_user)
            ELSE coalesce(s.patient_user, s.doctor_user) END,
       CASE WHEN n.outside <> 1 THEN n.w < 0.98 END,
       n.outside <> 1
-- OFFSET 0 keeps each draw computed once per row (a flattened subquery would repeat the
-- hash at every reference to u).
FROM (
    SELECT d.id,
           CASE WHEN d.u < 0.45 * d.p THEN 1 WHEN d.u < 0.7 * d.p THEN 2
                WHEN d.u < 0.85 * d.p THEN 3 WHEN d.u < d.p THEN 4 ELSE 0 END AS outside,
           floor((d.u * 4096 - floor(d.u * 4096)) * 12)::integer AS tpl,
           d.u * 16777216 - floor(d.u * 16777216) AS w
    FROM (SELECT g AS id, synthetic.r('notification', g) AS u,
                 synthetic.param('rate.notification_outside_valid') AS p
          FROM generate_series(1, synthetic.n('notifications')) AS g
          OFFSET 0) AS d
    OFFSET 0
) AS n
JOIN s_instr AS s
  ON s.id = 1 + ((n.id - 1) * synthetic.n('instructions')) / synthetic.n('notifications')
CROSS JOIN LATERAL (
    SELECT CASE WHEN n.tpl < 7 THEN s.id
                WHEN n.tpl = 7 THEN 1 + ((s.id - 1) * synthetic.n('payments')) / synthetic.n('instructions')
                WHEN n.tpl = 8 THEN 1 + ((n.id - 1) * synthetic.n('files')) / synthetic.n('notifications')
                WHEN n.tpl = 9 THEN s.patient_id END::integer AS item,
           CASE WHEN n.tpl < 7 THEN 9 WHEN n.tpl = 7 THEN 33 WHEN n.tpl = 8 THEN 20
                WHEN n.tpl = 9 THEN 11 END AS item_type
) AS i;

ALTER TABLE dispatch_notification ADD CONSTRAINT dispatch_notification_pkey PRIMARY KEY (id);

-- Pathologies inside the valid subset, disjoint, on a seeded sample of rows (ranks in order:
-- the four malformed contexts, recipients that no longer exist, orders that do not exist).
CREATE TEMP TABLE s_notification_quota ON COMMIT DROP AS
SELECT q1, q1 + q2 AS b2, q1 + q2 + q3 AS b3, q1 + q2 + q3 + q4 AS b4,
       q1 + q2 + q3 + q4 + q5 AS b5, q1 + q2 + q3 + q4 + q5 + q6 AS b6
FROM (SELECT synthetic.quota('malformed_escape_context', n) AS q1,
             synthetic.quota('null_context_with_template', n) AS q2,
             synthetic.quota('invalid_unicode_context', n) AS q3,
             synthetic.quota('self_reference_context', n) AS q4,
             synthetic.quota('orphan_notification_recipient', n) AS q5,
             synthetic.quota('orphan_notification_order', n) AS q6
      -- the valid subset's expected size (the share is drawn per row, not counted)
      FROM (SELECT round(synthetic.n('notifications')
                         * (1 - synthetic.param('rate.notification_outside_valid')))::bigint AS n) AS v
     ) AS q;

CREATE TEMP TABLE s_notification_sick ON COMMIT DROP AS
WITH sample AS (
    SELECT DISTINCT 1 + synthetic.ri('inject.notification', g, synthetic.n('notifications')) AS id
    FROM s_notification_quota AS q, generate_series(1, 1000 + 20 * q.b6) AS g
), eligible AS (
    SELECT t.id, t.item_type_id,
           row_number() OVER (ORDER BY synthetic.r('inject.notification.rank', t.id), t.id) AS rn
    FROM sample JOIN dispatch_notification AS t ON t.id = sample.id
    WHERE t.send AND btrim(t.template_context) <> '' AND t.recipient_id IS NOT NULL
      AND t.recipient_id IN (SELECT id FROM auth_user)
), orders AS (
    SELECT id, row_number() OVER (ORDER BY rn) AS rn
    FROM eligible, s_notification_quota AS q WHERE item_type_id = 9 AND rn > q.b5
)
SELECT e.id,
       CASE WHEN e.rn <= q.q1 THEN 'malformed_escape' WHEN e.rn <= q.b2 THEN 'null_with_template'
            WHEN e.rn <= q.b3 THEN 'invalid_unicode' WHEN e.rn <= q.b4 THEN 'self_reference'
            ELSE 'recipient' END AS kind
FROM eligible AS e, s_notification_quota AS q WHERE e.rn <= q.b5
UNION ALL
SELECT o.id, 'order' FROM orders AS o, s_notification_quota AS q WHERE o.rn <= q.b6 - q.b5;

UPDATE dispatch_notification AS t
SET template_context = CASE s.kind
        WHEN 'malformed_escape' THEN '{"path": "C:\scans\' || t.id || '\x.stl"}'
        WHEN 'null_with_template' THEN 'null'
        WHEN 'invalid_unicode' THEN '{"name": "\ud800 ' || t.id || '"}'
        WHEN 'self_reference' THEN '{''self'': {...}, ''id'': ' || t.id || '}'
        ELSE t.template_context END,
    recipient_id = CASE WHEN s.kind = 'recipient'
                        THEN d.ids[1 + synthetic.ri('pick.deleted', t.id, cardinality(d.ids))]
                        ELSE t.recipient_id END,
    item_id = CASE WHEN s.kind = 'order' THEN synthetic.n('instructions') + 100 + t.id % 1000
                   ELSE t.item_id END
FROM s_notification_sick AS s, (SELECT ids FROM s_pool WHERE name = 'deleted') AS d
WHERE t.id = s.id;

INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_notification', id, 'invalid_context', kind
FROM s_notification_sick WHERE kind NOT IN ('recipient', 'order');
