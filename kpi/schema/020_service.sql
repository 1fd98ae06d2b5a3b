-- Service KPIs: the business calendar, the SLA policy per level, and which ticket deadlines the
-- app derived itself (so they can be derived again when the calendar or the policy changes).

-- Exceptions to the Mon–Fri week: a weekday off (holiday) or a weekend day worked (make-up day).
CREATE TABLE business_calendar (
    day             DATE PRIMARY KEY,
    is_working_day  BOOLEAN NOT NULL,
    note            VARCHAR
);

-- Units: 'minutes', 'hours', 'calendar_days' add clock time; 'business_days' moves to the Nth
-- working day after creation at the same clock time; 'end_of_business_day' is the end of the Nth
-- working day counting the day of creation as 0 (0 = same day, 1 = next day).
CREATE TABLE sla_presets (
    preset                VARCHAR NOT NULL,
    level                 INTEGER NOT NULL,
    first_response_value  INTEGER NOT NULL,
    first_response_unit   VARCHAR NOT NULL,
    resolution_value      INTEGER NOT NULL,
    resolution_unit       VARCHAR NOT NULL,
    PRIMARY KEY (preset, level)
);

INSERT INTO sla_presets VALUES
    -- The seed's severity levels (客戶報修等級區分): resolution in business days.
    ('seed_levels', 1, 1, 'hours', 3, 'business_days'),
    ('seed_levels', 2, 1, 'hours', 5, 'business_days'),
    ('seed_levels', 3, 3, 'hours', 10, 'business_days'),
    ('seed_levels', 4, 0, 'end_of_business_day', 14, 'business_days'),
    ('seed_levels', 5, 1, 'end_of_business_day', 21, 'business_days'),
    -- The seed's 1999 hotline dispatch targets, round the clock: on site in 30 min .. 6 h,
    -- fixed within 4 h .. 48 h, and the second stage's 12 days for the slowest jobs.
    ('hotline_1999', 1, 30, 'minutes', 4, 'hours'),
    ('hotline_1999', 2, 1, 'hours', 6, 'hours'),
    ('hotline_1999', 3, 2, 'hours', 24, 'hours'),
    ('hotline_1999', 4, 4, 'hours', 48, 'hours'),
    ('hotline_1999', 5, 6, 'hours', 12, 'calendar_days');

CREATE TABLE sla_policy (
    level                 INTEGER PRIMARY KEY CHECK (level BETWEEN 1 AND 5),
    first_response_value  INTEGER NOT NULL CHECK (first_response_value >= 0),
    first_response_unit   VARCHAR NOT NULL CHECK (first_response_unit IN
        ('minutes', 'hours', 'calendar_days', 'business_days', 'end_of_business_day')),
    resolution_value      INTEGER NOT NULL CHECK (resolution_value >= 0),
    resolution_unit       VARCHAR NOT NULL CHECK (resolution_unit IN
        ('minutes', 'hours', 'calendar_days', 'business_days', 'end_of_business_day'))
);

INSERT INTO sla_policy
SELECT level, first_response_value, first_response_unit, resolution_value, resolution_unit
FROM sla_presets WHERE preset = 'seed_levels';

-- true = the export had no value and the app filled it (standard from the policy, first
-- commitment from the standard, current from the first); such values are re-derived.
ALTER TABLE ticket_versions ADD COLUMN standard_due_derived BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE ticket_versions ADD COLUMN first_commitment_derived BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE ticket_versions ADD COLUMN current_commitment_derived BOOLEAN NOT NULL DEFAULT false;
-- Always from the policy: no export we read carries a first-response deadline.
ALTER TABLE ticket_versions ADD COLUMN first_response_due_at TIMESTAMP;
