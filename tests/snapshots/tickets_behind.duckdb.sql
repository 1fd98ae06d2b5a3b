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
in_play_moving AS (
    SELECT s.*, s.created_at < p.period_start AS is_carried_over, CASE WHEN s.completed_at < p.period_end THEN CASE WHEN s.completed_at <= coalesce(s.due_at, s.completed_at) AND NOT s.completed_before_created THEN 1 ELSE 2 END
                WHEN coalesce(s.due_at, p.period_end) >= p.period_end THEN 3
                WHEN s.escalation_count >= 3 THEN 7
                -- No outcome for a negative count (a table read by Spark may hold one).
                WHEN s.escalation_count >= 0 THEN 4 + s.escalation_count END AS outcome,
           p.period_start, p.period_end
    FROM scoped s JOIN periods p
      ON s.created_at < p.period_end AND coalesce(s.completed_at, CAST($scan_end AS TIMESTAMP)) >= p.period_start
    WHERE NOT ($steady_apart AND s.created_at < CAST($scan_start AS TIMESTAMP)
      AND coalesce(s.completed_at >= CAST($scan_end AS TIMESTAMP), true)
      AND (s.due_at IS NULL OR s.due_at >= CAST($scan_end AS TIMESTAMP) OR s.due_at < CAST($scan_start AS TIMESTAMP)))
),
in_play_steady AS (
    SELECT s.*, true AS is_carried_over, CASE WHEN s.completed_at < CAST($scan_end AS TIMESTAMP) THEN CASE WHEN s.completed_at <= coalesce(s.due_at, s.completed_at) AND NOT s.completed_before_created THEN 1 ELSE 2 END
                WHEN coalesce(s.due_at, CAST($scan_end AS TIMESTAMP)) >= CAST($scan_end AS TIMESTAMP) THEN 3
                WHEN s.escalation_count >= 3 THEN 7
                -- No outcome for a negative count (a table read by Spark may hold one).
                WHEN s.escalation_count >= 0 THEN 4 + s.escalation_count END AS outcome
    FROM scoped s
    WHERE $steady_apart AND s.created_at < CAST($scan_start AS TIMESTAMP)
      AND coalesce(s.completed_at >= CAST($scan_end AS TIMESTAMP), true)
      AND (s.due_at IS NULL OR s.due_at >= CAST($scan_end AS TIMESTAMP) OR s.due_at < CAST($scan_start AS TIMESTAMP))
),
in_play AS (
    SELECT * FROM in_play_moving
    UNION ALL
    SELECT st.*, p.period_start, p.period_end FROM in_play_steady st CROSS JOIN periods p
)
,
with_policy AS (
    SELECT src.*, pol.name AS sla_policy
    FROM in_play src LEFT JOIN sla_policies pol ON pol.policy_id = src.sla_policy_id
)

SELECT ticket_id, subject, department, owner, level, channel, category, sla_policy, status, created_at,
    first_response_due_at, first_response_at, standard_due_at, first_commitment_at,
    current_commitment_at, completed_at, extension_count, escalation_count, due_at, CASE outcome WHEN 1 THEN 'on_time' WHEN 2 THEN 'late_done' WHEN 3 THEN 'open_not_due' WHEN 4 THEN 'overdue_open_0' WHEN 5 THEN 'overdue_open_1' WHEN 6 THEN 'overdue_open_2' WHEN 7 THEN 'overdue_open_3plus' END AS outcome, is_carried_over
FROM with_policy
WHERE ($all_groups OR grp IS NOT DISTINCT FROM CAST($group AS VARCHAR))
  AND CASE $column
        WHEN 'carried_over' THEN is_carried_over
        WHEN 'new' THEN NOT is_carried_over
        WHEN 'in_play' THEN true
        WHEN 'on_time' THEN outcome IN (1)
        WHEN 'open_not_due' THEN outcome IN (3)
        WHEN 'late_done' THEN outcome IN (2)
        WHEN 'overdue_open_0' THEN outcome IN (4)
        WHEN 'overdue_open_1' THEN outcome IN (5)
        WHEN 'overdue_open_2' THEN outcome IN (6)
        WHEN 'overdue_open_3plus' THEN outcome IN (7)
        WHEN 'completion_rate' THEN true
        WHEN 'avg_escalations' THEN true
        WHEN 'total_service_level' THEN true
        WHEN 'service_level' THEN NOT is_carried_over END
  AND (CAST($escalations AS INTEGER) IS NULL OR least(escalation_count, 3) = $escalations)
ORDER BY due_at NULLS LAST, ticket_id

