WITH periods AS (
  SELECT
    period.period_start,
    period.period_end,
    period.start_slot,
    period.end_slot
  FROM (
    SELECT
      EXPLODE(
        CAST(:periods AS ARRAY<
          STRUCT<
            period_start: TIMESTAMP_NTZ,
            period_end: TIMESTAMP_NTZ,
            start_slot: INT,
            end_slot: INT
          >
        >)
      ) AS period
  ) AS asked
), scoped AS (
  SELECT
    ticket_id,
    subject,
    department,
    owner,
    level,
    channel,
    category,
    sla_policy_id,
    status,
    state,
    source_system,
    source_sla_met,
    created_at,
    first_response_at,
    first_response_due_at,
    standard_due_at,
    first_commitment_at,
    current_commitment_at,
    extension_count,
    escalation_count,
    forwarded_second_line,
    completed_at,
    completed_at < created_at AS completed_before_created,
    CASE :due
      WHEN 'standard'
      THEN standard_due_at
      WHEN 'first'
      THEN first_commitment_at
      ELSE current_commitment_at
    END AS due_at,
    CASE :by
      WHEN 'department'
      THEN department
      WHEN 'level'
      THEN 'Level ' || CAST(level AS STRING)
      ELSE owner
    END AS grp
  FROM tickets
  /* Every population below lies within these bounds; zone maps skip row groups outside them. */
  WHERE
    NOT is_cancelled
    AND created_at < CAST(:scan_end AS TIMESTAMP_NTZ)
    AND (
      completed_at >= CAST(:scan_start AS TIMESTAMP_NTZ) OR completed_at IS NULL
    )
    AND (
      SIZE(CAST(:departments AS ARRAY<STRING>)) = 0
      OR ARRAY_CONTAINS(CAST(:departments AS ARRAY<STRING>), department)
    )
    AND (
      SIZE(CAST(:owners AS ARRAY<STRING>)) = 0
      OR ARRAY_CONTAINS(CAST(:owners AS ARRAY<STRING>), owner)
    )
    AND (
      SIZE(CAST(:levels AS ARRAY<INT>)) = 0
      OR ARRAY_CONTAINS(CAST(:levels AS ARRAY<INT>), level)
    )
    AND (
      SIZE(CAST(:channels AS ARRAY<STRING>)) = 0
      OR ARRAY_CONTAINS(CAST(:channels AS ARRAY<STRING>), channel)
    )
    AND (
      SIZE(CAST(:sources AS ARRAY<STRING>)) = 0
      OR ARRAY_CONTAINS(CAST(:sources AS ARRAY<STRING>), source_system)
    )
    AND (
      SIZE(CAST(:batches AS ARRAY<INT>)) = 0
      OR ARRAY_CONTAINS(CAST(:batches AS ARRAY<INT>), batch_id)
    )
), in_play_keyed AS (
  SELECT
    grp,
    created_slot,
    completed_slot,
    extension_count,
    COUNT(*) AS grouped_tickets
  FROM (
    SELECT
      s.*,
      CASE
        WHEN s.created_at < CAST(:scan_start AS TIMESTAMP_NTZ)
        THEN -1
        WHEN s.created_at >= CAST(:scan_end AS TIMESTAMP_NTZ)
        THEN :after_slot
        WHEN :slot_days > 0
        THEN CAST(DATEDIFF(MICROSECOND, CAST(:scan_start AS TIMESTAMP_NTZ), s.created_at) DIV (
          :slot_days * 86400000000
        ) AS INT)
        ELSE CAST(:day_slots AS ARRAY<INT>)[CAST(DATEDIFF(MICROSECOND, CAST(:scan_start AS TIMESTAMP_NTZ), s.created_at) DIV 86400000000 AS INT) + 0]
      END AS created_slot,
      COALESCE(
        CASE
          WHEN s.completed_at < CAST(:scan_start AS TIMESTAMP_NTZ)
          THEN -1
          WHEN s.completed_at >= CAST(:scan_end AS TIMESTAMP_NTZ)
          THEN :after_slot
          WHEN :slot_days > 0
          THEN CAST(DATEDIFF(MICROSECOND, CAST(:scan_start AS TIMESTAMP_NTZ), s.completed_at) DIV (
            :slot_days * 86400000000
          ) AS INT)
          ELSE CAST(:day_slots AS ARRAY<INT>)[CAST(DATEDIFF(MICROSECOND, CAST(:scan_start AS TIMESTAMP_NTZ), s.completed_at) DIV 86400000000 AS INT) + 0]
        END,
        :after_slot
      ) AS completed_slot,
      COALESCE(
        CASE
          WHEN s.due_at < CAST(:scan_start AS TIMESTAMP_NTZ)
          THEN -1
          WHEN s.due_at >= CAST(:scan_end AS TIMESTAMP_NTZ)
          THEN :after_slot
          WHEN :slot_days > 0
          THEN CAST(DATEDIFF(MICROSECOND, CAST(:scan_start AS TIMESTAMP_NTZ), s.due_at) DIV (
            :slot_days * 86400000000
          ) AS INT)
          ELSE CAST(:day_slots AS ARRAY<INT>)[CAST(DATEDIFF(MICROSECOND, CAST(:scan_start AS TIMESTAMP_NTZ), s.due_at) DIV 86400000000 AS INT) + 0]
        END,
        :after_slot
      ) AS due_slot,
      CASE
        WHEN s.completed_at < CAST(:scan_end AS TIMESTAMP_NTZ)
        THEN s.completed_at <= COALESCE(s.due_at, s.completed_at)
        AND NOT s.completed_before_created
      END AS done_on_time /* read only for tickets completed in a period; NULL keeps the open ones' groups fewer */
    FROM scoped AS s
  ) AS s
  GROUP BY
    grp,
    created_slot,
    completed_slot,
    extension_count
), in_play_grouped AS (
  SELECT
    p.period_start,
    k.grp,
    k.created_slot < p.start_slot AS is_carried_over,
    k.extension_count,
    k.grouped_tickets
  FROM in_play_keyed AS k
  JOIN periods AS p
    ON k.created_slot < p.end_slot AND k.completed_slot >= p.start_slot
), counts AS (
  SELECT
    period_start,
    grp,
    COALESCE(SUM(grouped_tickets), 0) AS in_play,
    COALESCE(SUM(grouped_tickets) FILTER(WHERE
      LEAST(extension_count, 3) = 0), 0) AS `0`,
    COALESCE(SUM(grouped_tickets) FILTER(WHERE
      LEAST(extension_count, 3) = 1), 0) AS `1`,
    COALESCE(SUM(grouped_tickets) FILTER(WHERE
      LEAST(extension_count, 3) = 2), 0) AS `2`,
    COALESCE(SUM(grouped_tickets) FILTER(WHERE
      LEAST(extension_count, 3) = 3), 0) AS `3+`
  FROM in_play_grouped
  GROUP BY
    period_start,
    grp
)
SELECT
  p.period_start,
  GROUPING(c.grp) = 1 AS is_total,
  c.grp AS `group`,
  CAST(COALESCE(SUM(c.in_play), 0) AS BIGINT) AS in_play,
  CAST(COALESCE(SUM(c.`0`), 0) AS BIGINT) AS `0`,
  CAST(COALESCE(SUM(c.`1`), 0) AS BIGINT) AS `1`,
  CAST(COALESCE(SUM(c.`2`), 0) AS BIGINT) AS `2`,
  CAST(COALESCE(SUM(c.`3+`), 0) AS BIGINT) AS `3+`
FROM periods AS p
LEFT JOIN counts AS c
  ON c.period_start = p.period_start
GROUP BY
  GROUPING SETS (
    (p.period_start, c.grp),
    (
      p.period_start
    )
  )
HAVING
  is_total OR COUNT(c.period_start) > 0
ORDER BY
  p.period_start NULLS LAST,
  is_total NULLS LAST,
  `group`
