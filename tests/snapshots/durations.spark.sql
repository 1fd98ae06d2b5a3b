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
), completed AS (
  SELECT
    s.*,
    p.period_start,
    p.period_end
  FROM scoped AS s
  JOIN periods AS p
    ON s.completed_at >= p.period_start AND s.completed_at < p.period_end
), times AS (
  SELECT
    grp,
    DATEDIFF(MICROSECOND, created_at, first_response_at) AS first_response_microseconds,
    NULL AS resolution_microseconds,
    TRUE AS is_ticket
  FROM created
  WHERE
    first_response_at >= created_at /* a response logged before the ticket has no time to it */
  UNION ALL
  SELECT
    grp,
    NULL,
    CASE
      WHEN NOT completed_before_created
      THEN DATEDIFF(MICROSECOND, created_at, completed_at)
    END,
    TRUE
  FROM completed
)
SELECT
  GROUPING(grp) = 1 AS is_total,
  grp AS `group`,
  COUNT(first_response_microseconds) AS answered,
  PERCENTILE(first_response_microseconds, 0.5) / CAST(3600000000 AS DOUBLE) AS first_response_median,
  PERCENTILE(first_response_microseconds, 0.9) / CAST(3600000000 AS DOUBLE) AS first_response_p90,
  COUNT(resolution_microseconds) AS resolved,
  PERCENTILE(resolution_microseconds, 0.5) / CAST(3600000000 AS DOUBLE) AS resolution_median,
  PERCENTILE(resolution_microseconds, 0.9) / CAST(3600000000 AS DOUBLE) AS resolution_p90
FROM (
  SELECT
    1 AS anchor
) AS one
LEFT JOIN times
  ON TRUE
GROUP BY
  GROUPING SETS (
    (
      grp
    ),
    ()
  )
HAVING
  is_total OR COUNT(is_ticket) > 0
ORDER BY
  is_total NULLS LAST,
  `group`
