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
)
,
in_play_keyed AS (
    SELECT grp, created_slot, completed_slot, escalation_count, count(*) AS grouped_tickets
    FROM (SELECT s.*, CASE WHEN s.created_at < CAST($scan_start AS TIMESTAMP) THEN -1 WHEN s.created_at >= CAST($scan_end AS TIMESTAMP) THEN $after_slot WHEN $slot_days > 0 THEN CAST(date_diff('microsecond', CAST($scan_start AS TIMESTAMP), s.created_at) // ($slot_days * 86400000000) AS INTEGER) ELSE CAST($day_slots AS INTEGER[])[CAST(date_diff('microsecond', CAST($scan_start AS TIMESTAMP), s.created_at) // 86400000000 AS INTEGER) + 1] END AS created_slot,
                 coalesce(CASE WHEN s.completed_at < CAST($scan_start AS TIMESTAMP) THEN -1 WHEN s.completed_at >= CAST($scan_end AS TIMESTAMP) THEN $after_slot WHEN $slot_days > 0 THEN CAST(date_diff('microsecond', CAST($scan_start AS TIMESTAMP), s.completed_at) // ($slot_days * 86400000000) AS INTEGER) ELSE CAST($day_slots AS INTEGER[])[CAST(date_diff('microsecond', CAST($scan_start AS TIMESTAMP), s.completed_at) // 86400000000 AS INTEGER) + 1] END, $after_slot) AS completed_slot,
                 coalesce(CASE WHEN s.due_at < CAST($scan_start AS TIMESTAMP) THEN -1 WHEN s.due_at >= CAST($scan_end AS TIMESTAMP) THEN $after_slot WHEN $slot_days > 0 THEN CAST(date_diff('microsecond', CAST($scan_start AS TIMESTAMP), s.due_at) // ($slot_days * 86400000000) AS INTEGER) ELSE CAST($day_slots AS INTEGER[])[CAST(date_diff('microsecond', CAST($scan_start AS TIMESTAMP), s.due_at) // 86400000000 AS INTEGER) + 1] END, $after_slot) AS due_slot,
                 -- read only for tickets completed in a period; NULL keeps the open ones' groups fewer
                 CASE WHEN s.completed_at < CAST($scan_end AS TIMESTAMP) THEN s.completed_at <= coalesce(s.due_at, s.completed_at) AND NOT s.completed_before_created END AS done_on_time
          FROM scoped s) AS s
    GROUP BY grp, created_slot, completed_slot, escalation_count
),
in_play_grouped AS (
    SELECT p.period_start, k.grp, k.created_slot < p.start_slot AS is_carried_over,
           k.escalation_count, k.grouped_tickets
    FROM in_play_keyed k JOIN periods p ON k.created_slot < p.end_slot AND k.completed_slot >= p.start_slot
),
counts AS (
    SELECT period_start, grp,
           coalesce(sum(grouped_tickets), 0) AS in_play,
           coalesce(sum(grouped_tickets) FILTER (WHERE least(escalation_count, 3) = 0), 0) AS "0",
           coalesce(sum(grouped_tickets) FILTER (WHERE least(escalation_count, 3) = 1), 0) AS "1",
           coalesce(sum(grouped_tickets) FILTER (WHERE least(escalation_count, 3) = 2), 0) AS "2",
           coalesce(sum(grouped_tickets) FILTER (WHERE least(escalation_count, 3) = 3), 0) AS "3+"
    FROM in_play_grouped GROUP BY period_start, grp
)
SELECT p.period_start, grouping(c.grp) = 1 AS is_total, c.grp AS "group",
    CAST(coalesce(sum(c.in_play), 0) AS BIGINT) AS in_play,
    CAST(coalesce(sum(c."0"), 0) AS BIGINT) AS "0",
    CAST(coalesce(sum(c."1"), 0) AS BIGINT) AS "1",
    CAST(coalesce(sum(c."2"), 0) AS BIGINT) AS "2",
    CAST(coalesce(sum(c."3+"), 0) AS BIGINT) AS "3+"
FROM periods p LEFT JOIN counts c ON c.period_start = p.period_start
GROUP BY GROUPING SETS ((p.period_start, c.grp), (p.period_start))
HAVING is_total OR count(c.period_start) > 0
ORDER BY p.period_start, is_total, "group" NULLS FIRST

