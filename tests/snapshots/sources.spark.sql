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
), in_play_moving AS (
  SELECT
    s.*,
    s.created_at < p.period_start AS is_carried_over,
    CASE
      WHEN s.completed_at < p.period_end
      THEN CASE
        WHEN s.completed_at <= COALESCE(s.due_at, s.completed_at)
        AND NOT s.completed_before_created
        THEN 1
        ELSE 2
      END
      WHEN COALESCE(s.due_at, p.period_end) >= p.period_end
      THEN 3
      WHEN s.escalation_count >= 3
      THEN 7
      WHEN s.escalation_count >= 0
      THEN 4 + s.escalation_count
    END AS outcome,
    p.period_start,
    p.period_end
  FROM scoped AS s
  JOIN periods AS p
    ON s.created_at < p.period_end
    AND COALESCE(s.completed_at, CAST(:scan_end AS TIMESTAMP_NTZ)) >= p.period_start
  WHERE
    NOT (
      :steady_apart
      AND s.created_at < CAST(:scan_start AS TIMESTAMP_NTZ)
      AND COALESCE(s.completed_at >= CAST(:scan_end AS TIMESTAMP_NTZ), TRUE)
      AND (
        s.due_at IS NULL
        OR s.due_at >= CAST(:scan_end AS TIMESTAMP_NTZ)
        OR s.due_at < CAST(:scan_start AS TIMESTAMP_NTZ)
      )
    )
), in_play_steady AS (
  SELECT
    s.*,
    TRUE AS is_carried_over,
    CASE
      WHEN s.completed_at < CAST(:scan_end AS TIMESTAMP_NTZ)
      THEN CASE
        WHEN s.completed_at <= COALESCE(s.due_at, s.completed_at)
        AND NOT s.completed_before_created
        THEN 1
        ELSE 2
      END
      WHEN COALESCE(s.due_at, CAST(:scan_end AS TIMESTAMP_NTZ)) >= CAST(:scan_end AS TIMESTAMP_NTZ)
      THEN 3
      WHEN s.escalation_count >= 3
      THEN 7
      WHEN s.escalation_count >= 0
      THEN 4 + s.escalation_count
    END AS outcome
  FROM scoped AS s
  WHERE
    :steady_apart
    AND s.created_at < CAST(:scan_start AS TIMESTAMP_NTZ)
    AND COALESCE(s.completed_at >= CAST(:scan_end AS TIMESTAMP_NTZ), TRUE)
    AND (
      s.due_at IS NULL
      OR s.due_at >= CAST(:scan_end AS TIMESTAMP_NTZ)
      OR s.due_at < CAST(:scan_start AS TIMESTAMP_NTZ)
    )
), in_play AS (
  SELECT
    *
  FROM in_play_moving
  UNION ALL
  SELECT
    st.*,
    p.period_start,
    p.period_end
  FROM in_play_steady AS st
  CROSS JOIN periods AS p
)
SELECT
  source_system,
  COUNT(*) AS in_play,
  COUNT(*) FILTER(WHERE
    outcome IN (1, 2) AND NOT source_sla_met IS NULL) AS with_verdict,
  COUNT(*) FILTER(WHERE
    outcome IN (1, 2) AND source_sla_met) AS source_met,
  COUNT(*) FILTER(WHERE
    outcome IN (1) AND NOT source_sla_met IS NULL) AS app_met,
  COUNT(*) FILTER(WHERE
    outcome IN (1, 2) AND source_sla_met <> (
      outcome IN (1)
    )) AS disagree
FROM in_play
GROUP BY
  source_system
ORDER BY
  in_play DESC,
  source_system NULLS LAST
