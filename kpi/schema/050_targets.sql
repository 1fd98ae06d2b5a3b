-- The operations plan's targets (kpi/targets.py): per KPI a target and the amber and red
-- thresholds, with the direction in which the KPI improves. department '' is the row for every
-- department; a row naming a department overrides it there. Values are in the KPI's own unit
-- (ratios as fractions: 0.85 = 85%).
CREATE TABLE kpi_targets (
    kpi_key     VARCHAR NOT NULL,
    department  VARCHAR NOT NULL DEFAULT '',
    direction   VARCHAR NOT NULL CHECK (direction IN ('higher', 'lower')),
    target      DOUBLE NOT NULL,
    amber       DOUBLE NOT NULL,    -- worse than this: amber
    red         DOUBLE NOT NULL,    -- worse than this: red
    PRIMARY KEY (kpi_key, department)
);

-- Defaults (README, "Targets"): the seed's call-centre norm of 85% for the service levels,
-- stricter for promises a person made (commitments, first response), looser for the weekly
-- completion rate, which counts long tickets still legitimately open; two and three weeks for
-- the mean resolution time, about the seed levels' 10 and 14 business days.
INSERT INTO kpi_targets (kpi_key, direction, target, amber, red) VALUES
    ('service.service_level',                'higher', 0.85, 0.85, 0.75),
    ('service.total_service_level',          'higher', 0.85, 0.85, 0.75),
    ('service.completion_rate',              'higher', 0.80, 0.80, 0.65),
    ('service.commitment_achievement',       'higher', 0.90, 0.90, 0.80),
    ('service.first_commitment_achievement', 'higher', 0.85, 0.85, 0.75),
    ('service.standard_achievement',         'higher', 0.85, 0.85, 0.75),
    ('service.first_response_compliance',    'higher', 0.90, 0.90, 0.80),
    ('service.avg_escalations',              'lower',  0.30, 0.30, 0.60),
    ('people.on_time_completion',            'higher', 0.85, 0.85, 0.75),
    ('people.avg_escalations',               'lower',  0.30, 0.30, 0.60),
    ('people.mean_resolution_hours',         'lower',  336,  336,  504);
