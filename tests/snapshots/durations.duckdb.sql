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
created AS (
    SELECT s.*, p.period_start, p.period_end FROM scoped s JOIN periods p
      ON s.created_at >= p.period_start AND s.created_at < p.period_end
),
completed AS (
    SELECT s.*, p.period_start, p.period_end FROM scoped s JOIN periods p
      ON s.completed_at >= p.period_start AND s.completed_at < p.period_end
)
,
times AS (
    SELECT grp, date_diff('microsecond', created_at, first_response_at) AS first_response_microseconds,
        NULL AS resolution_microseconds, true AS is_ticket
    FROM created WHERE first_response_at >= created_at   -- a response logged before the ticket has no time to it
    UNION ALL
    SELECT grp, NULL, CASE WHEN NOT completed_before_created THEN date_diff('microsecond', created_at, completed_at) END, true FROM completed
)
SELECT grouping(grp) = 1 AS is_total, grp AS "group",
    count(first_response_microseconds) AS answered, quantile_cont(first_response_microseconds, 0.5) / CAST(3600000000 AS DOUBLE) AS first_response_median, quantile_cont(first_response_microseconds, 0.9) / CAST(3600000000 AS DOUBLE) AS first_response_p90,
    count(resolution_microseconds) AS resolved, quantile_cont(resolution_microseconds, 0.5) / CAST(3600000000 AS DOUBLE) AS resolution_median, quantile_cont(resolution_microseconds, 0.9) / CAST(3600000000 AS DOUBLE) AS resolution_p90
FROM (SELECT 1 AS anchor) AS one LEFT JOIN times ON true
GROUP BY GROUPING SETS ((grp), ())
HAVING is_total OR count(is_ticket) > 0
ORDER BY is_total, "group" NULLS FIRST

