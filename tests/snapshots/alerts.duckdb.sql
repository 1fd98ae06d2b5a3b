WITH periods AS (
    SELECT period.period_start, period.period_end, period.start_slot, period.end_slot
    FROM (SELECT unnest(CAST($periods AS STRUCT(period_start TIMESTAMP, period_end TIMESTAMP, start_slot INTEGER,
                                                  end_slot INTEGER)[])) AS period) AS asked
),
scoped AS NOT MATERIALIZED (
    SELECT ticket_id, subject, department, owner, level, channel, category, sla_policy_id, status, state,
           source_system, source_sla_met, created_at,
           first_response_at, first_response_due_at, standard_due_at, first_commitment_at,
           current_commitment_at, extension_count, escalation_count, forwarded_second_line,
           completed_at, completed_at < created_at AS completed_before_created,
           CASE $due WHEN 'standard' THEN standard_due_at WHEN 'first' THEN first_commitment_at
                ELSE current_commitment_at END AS due_at,
           CASE $by WHEN 'department' THEN department WHEN 'level' THEN 'Level ' || CAST(level AS VARCHAR)
                ELSE owner END AS grp
    FROM tickets
    -- Every population below lies within these bounds; zone maps skip row groups outside them.
    WHERE NOT is_cancelled AND created_at < CAST($scan_end AS TIMESTAMP)
      AND (completed_at >= CAST($scan_start AS TIMESTAMP) OR completed_at IS NULL)
      AND (array_length(CAST($departments AS VARCHAR[])) = 0 OR list_contains(CAST($departments AS VARCHAR[]), department))
      AND (array_length(CAST($owners AS VARCHAR[])) = 0 OR list_contains(CAST($owners AS VARCHAR[]), owner))
      AND (array_length(CAST($levels AS INTEGER[])) = 0 OR list_contains(CAST($levels AS INTEGER[]), level))
      AND (array_length(CAST($channels AS VARCHAR[])) = 0 OR list_contains(CAST($channels AS VARCHAR[]), channel))
      AND (array_length(CAST($sources AS VARCHAR[])) = 0 OR list_contains(CAST($sources AS VARCHAR[]), source_system))
      AND (array_length(CAST($batches AS INTEGER[])) = 0 OR list_contains(CAST($batches AS INTEGER[]), batch_id))
),
open_at_end AS (
    SELECT s.*, p.period_start, p.period_end FROM scoped s JOIN periods p
      ON s.created_at < p.period_end AND (s.completed_at IS NULL OR s.completed_at >= p.period_end)
)
,
alerted AS (
    SELECT alert, ticket_id,
           row_number() OVER (PARTITION BY alert ORDER BY due_at NULLS LAST, ticket_id) AS position,
           count(*) OVER (PARTITION BY alert) AS listed
    FROM (
    SELECT 'unassigned' AS alert, ticket_id, due_at FROM open_at_end WHERE coalesce(owner, '') = ''
    UNION ALL
    SELECT 'being_escalated' AS alert, ticket_id, due_at FROM open_at_end WHERE escalation_count >= 1
    UNION ALL
    SELECT 'escalated_many' AS alert, ticket_id, due_at FROM open_at_end WHERE escalation_count >= 2
    UNION ALL
    SELECT 'overdue_many' AS alert, ticket_id, due_at FROM open_at_end WHERE due_at < period_end AND extension_count + escalation_count >= 2
    UNION ALL
    SELECT 'due_soon' AS alert, ticket_id, due_at FROM open_at_end WHERE due_at >= period_end AND due_at < period_end + INTERVAL 24 HOUR
    ) AS listed_tickets
    WHERE CAST($alert AS VARCHAR) IS NULL OR alert = $alert
),
asked AS (
    SELECT a.alert, a.position, a.listed, o.*
    FROM alerted a JOIN open_at_end o ON o.ticket_id = a.ticket_id
    WHERE a.position > $offset AND (CAST($limit AS BIGINT) IS NULL OR a.position <= $offset + $limit)
),
with_policy AS (
    SELECT src.*, pol.name AS sla_policy
    FROM asked src LEFT JOIN sla_policies pol ON pol.policy_id = src.sla_policy_id
)
SELECT alert, ticket_id, subject, department, owner, level, channel, category, sla_policy, status, created_at,
    first_response_due_at, first_response_at, standard_due_at, first_commitment_at,
    current_commitment_at, completed_at, extension_count, escalation_count, due_at, listed FROM with_policy
ORDER BY alert, position

