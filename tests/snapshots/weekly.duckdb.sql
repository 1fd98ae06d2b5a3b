WITH periods AS (
    SELECT period.period_start, period.period_end
    FROM (SELECT unnest(CAST($periods AS STRUCT(period_start TIMESTAMP, period_end TIMESTAMP)[])) AS period) AS asked
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
    SELECT s.*, s.created_at < p.period_start AS is_carried_over, CASE WHEN s.completed_at < p.period_end THEN
                    -- A completion before creation is kept out of the on-time count.
                    CASE WHEN s.completed_at <= coalesce(s.due_at, s.completed_at) AND NOT s.completed_before_created
                         THEN 1 ELSE 2 END
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
    SELECT s.*, true AS is_carried_over, CASE WHEN s.completed_at < CAST($scan_end AS TIMESTAMP) THEN
                    -- A completion before creation is kept out of the on-time count.
                    CASE WHEN s.completed_at <= coalesce(s.due_at, s.completed_at) AND NOT s.completed_before_created
                         THEN 1 ELSE 2 END
                WHEN coalesce(s.due_at, CAST($scan_end AS TIMESTAMP)) >= CAST($scan_end AS TIMESTAMP) THEN 3
                WHEN s.escalation_count >= 3 THEN 7
                -- No outcome for a negative count (a table read by Spark may hold one).
                WHEN s.escalation_count >= 0 THEN 4 + s.escalation_count END AS outcome
    FROM scoped s
    WHERE $steady_apart AND s.created_at < CAST($scan_start AS TIMESTAMP)
      AND coalesce(s.completed_at >= CAST($scan_end AS TIMESTAMP), true)
      AND (s.due_at IS NULL OR s.due_at >= CAST($scan_end AS TIMESTAMP) OR s.due_at < CAST($scan_start AS TIMESTAMP))
)
,
counts AS (
    SELECT period_start, grp,
           coalesce(sum(grouped_tickets) FILTER (WHERE is_carried_over), 0) AS carried_over,
           coalesce(sum(grouped_tickets) FILTER (WHERE NOT is_carried_over), 0) AS new,
           coalesce(sum(grouped_tickets), 0) AS in_play,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (1)), 0) AS on_time,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (3)), 0) AS open_not_due,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (2)), 0) AS late_done,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (4)), 0) AS overdue_open_0,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (5)), 0) AS overdue_open_1,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (6)), 0) AS overdue_open_2,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (7)), 0) AS overdue_open_3plus,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (1, 2)), 0) AS done,
           coalesce(sum(grouped_sum_0), 0) AS escalations,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (1) AND NOT is_carried_over), 0) AS new_on_time
    FROM (SELECT period_start, grp, is_carried_over, outcome, count(*) AS grouped_tickets, sum(escalation_count) AS grouped_sum_0 FROM in_play_moving GROUP BY period_start, grp, is_carried_over, outcome) AS in_play_moving GROUP BY period_start, grp
    UNION ALL
    SELECT p.period_start, st.* FROM (
        SELECT grp,
           coalesce(sum(grouped_tickets) FILTER (WHERE is_carried_over), 0) AS carried_over,
           coalesce(sum(grouped_tickets) FILTER (WHERE NOT is_carried_over), 0) AS new,
           coalesce(sum(grouped_tickets), 0) AS in_play,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (1)), 0) AS on_time,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (3)), 0) AS open_not_due,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (2)), 0) AS late_done,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (4)), 0) AS overdue_open_0,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (5)), 0) AS overdue_open_1,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (6)), 0) AS overdue_open_2,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (7)), 0) AS overdue_open_3plus,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (1, 2)), 0) AS done,
           coalesce(sum(grouped_sum_0), 0) AS escalations,
           coalesce(sum(grouped_tickets) FILTER (WHERE outcome IN (1) AND NOT is_carried_over), 0) AS new_on_time
        FROM (SELECT grp, is_carried_over, outcome, count(*) AS grouped_tickets, sum(escalation_count) AS grouped_sum_0 FROM in_play_steady GROUP BY grp, is_carried_over, outcome) AS in_play_steady GROUP BY grp
    ) AS st CROSS JOIN periods p
)
SELECT p.period_start, grouping(c.grp) = 1 AS is_total, c.grp AS "group",
    CAST(coalesce(sum(c.carried_over), 0) AS BIGINT) AS carried_over,
    CAST(coalesce(sum(c.new), 0) AS BIGINT) AS new,
    CAST(coalesce(sum(c.in_play), 0) AS BIGINT) AS in_play,
    CAST(coalesce(sum(c.on_time), 0) AS BIGINT) AS on_time,
    CAST(coalesce(sum(c.open_not_due), 0) AS BIGINT) AS open_not_due,
    CAST(coalesce(sum(c.late_done), 0) AS BIGINT) AS late_done,
    CAST(coalesce(sum(c.overdue_open_0), 0) AS BIGINT) AS overdue_open_0,
    CAST(coalesce(sum(c.overdue_open_1), 0) AS BIGINT) AS overdue_open_1,
    CAST(coalesce(sum(c.overdue_open_2), 0) AS BIGINT) AS overdue_open_2,
    CAST(coalesce(sum(c.overdue_open_3plus), 0) AS BIGINT) AS overdue_open_3plus,
    CAST(sum(c.done) AS DOUBLE) / nullif(sum(c.in_play), 0) AS completion_rate,
    CAST(sum(c.escalations) AS DOUBLE) / nullif(sum(c.in_play), 0) AS avg_escalations,
    CAST(sum(c.on_time) AS DOUBLE) / nullif(sum(c.in_play), 0) AS total_service_level,
    CAST(sum(c.new_on_time) AS DOUBLE) / nullif(sum(c.new), 0) AS service_level
FROM periods p LEFT JOIN counts c ON c.period_start = p.period_start
GROUP BY GROUPING SETS ((p.period_start, c.grp), (p.period_start))
HAVING is_total OR count(c.period_start) > 0
ORDER BY p.period_start, is_total, "group" NULLS FIRST

