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
), created AS (
  SELECT
    s.*,
    p.period_start,
    p.period_end
  FROM scoped AS s
  JOIN periods AS p
    ON s.created_at >= p.period_start AND s.created_at < p.period_end
), counts AS (
  SELECT
    period_start,
    grp,
    COUNT(*) AS new,
    COUNT(*) FILTER(WHERE
      forwarded_second_line) AS forwarded
  FROM created
  GROUP BY
    period_start,
    grp
)
SELECT
  p.period_start,
  GROUPING(c.grp) = 1 AS is_total,
  c.grp AS `group`,
  CAST(COALESCE(SUM(c.new), 0) AS BIGINT) AS new,
  CAST(COALESCE(SUM(c.forwarded), 0) AS BIGINT) AS forwarded,
  CAST(SUM(c.forwarded) AS DOUBLE) / NULLIF(SUM(c.new), 0) AS forward_rate
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
