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
)
,
counts AS (
    SELECT period_start, grp,
           count(*) FILTER (WHERE first_response_at IS NOT NULL) AS answered,
           count(*) FILTER (WHERE first_response_at IS NOT NULL OR first_response_due_at < period_end) AS decided,
           count(*) FILTER (WHERE first_response_at <= first_response_due_at) AS answered_in_time
    FROM created GROUP BY period_start, grp
)
SELECT p.period_start, grouping(c.grp) = 1 AS is_total, c.grp AS "group",
    CAST(coalesce(sum(c.answered), 0) AS BIGINT) AS answered,
    CAST(coalesce(sum(c.decided), 0) AS BIGINT) AS decided,
    CAST(sum(c.answered_in_time) AS DOUBLE) / nullif(sum(c.decided), 0) AS first_response_compliance
FROM periods p LEFT JOIN counts c ON c.period_start = p.period_start
GROUP BY GROUPING SETS ((p.period_start, c.grp), (p.period_start))
HAVING is_total OR count(c.period_start) > 0
ORDER BY p.period_start, is_total, "group" NULLS FIRST

