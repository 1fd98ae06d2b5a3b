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

SELECT source_system, count(*) AS in_play,
    count(*) FILTER (WHERE outcome IN (1, 2) AND source_sla_met IS NOT NULL) AS with_verdict,
    count(*) FILTER (WHERE outcome IN (1, 2) AND source_sla_met) AS source_met,
    count(*) FILTER (WHERE outcome IN (1) AND source_sla_met IS NOT NULL) AS app_met,
    count(*) FILTER (WHERE outcome IN (1, 2) AND source_sla_met <> (outcome IN (1))) AS disagree
FROM in_play GROUP BY source_system ORDER BY in_play DESC, source_system

