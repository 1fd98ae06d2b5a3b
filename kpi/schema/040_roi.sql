-- E-learning ROI scenarios (kpi/roi). A scenario keeps every assumption of the model as a typed
-- column named like the CLI's JSON key, its extra cost lines, and the executive's tick and note
-- against each intangible benefit of the seed post. No foreign keys: DuckDB refuses to UPDATE a
-- referenced row, and scenarios are edited in place; kpi/roi/scenarios.py writes a scenario and
-- its child rows in one transaction and deletes them together.

CREATE SEQUENCE roi_scenario_seq START 1;

CREATE TABLE roi_scenarios (
    scenario_id              INTEGER PRIMARY KEY DEFAULT nextval('roi_scenario_seq'),
    name                     VARCHAR NOT NULL UNIQUE,
    trainees                 INTEGER NOT NULL,
    class_size               INTEGER NOT NULL,
    trainee_annual_salary    DOUBLE NOT NULL,    -- NT$ a year
    instructor_annual_salary DOUBLE NOT NULL,
    hours_per_year           DOUBLE,             -- NULL: the seed's annual / 12 / 30 / 8, whole NT$
    classroom_hours          DOUBLE NOT NULL,
    online_hours             DOUBLE NOT NULL,
    travel_total             DOUBLE NOT NULL,
    admin_days_per_class     DOUBLE NOT NULL,    -- at 8 hours a day
    admin_hourly             DOUBLE,             -- NULL: the trainee hourly rate
    online_admin_classes     INTEGER NOT NULL,
    classroom_dev_hours      DOUBLE NOT NULL,
    online_dev_multiplier    DOUBLE NOT NULL,
    platform_cost            DOUBLE NOT NULL,
    runs_per_year            INTEGER NOT NULL,
    years                    INTEGER NOT NULL,
    notes                    VARCHAR NOT NULL DEFAULT '',
    updated_at               TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);

CREATE TABLE roi_extra_lines (
    scenario_id INTEGER NOT NULL,
    side        VARCHAR NOT NULL CHECK (side IN ('classroom', 'online')),
    position    INTEGER NOT NULL,                -- order shown, from 1
    name        VARCHAR NOT NULL,
    amount      DOUBLE NOT NULL CHECK (amount >= 0),   -- NT$ on every run of the course
    PRIMARY KEY (scenario_id, side, position)
);

CREATE TABLE roi_benefit_checks (
    scenario_id INTEGER NOT NULL,
    benefit_key VARCHAR NOT NULL,                -- kpi.roi.scenarios.BENEFITS
    checked     BOOLEAN NOT NULL,
    note        VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (scenario_id, benefit_key)
);

-- The seed's worked example ships as the first scenario; classroom_dev_hours (40) is our
-- assumption, the post gives none (kpi.roi.model.DEFAULT_CLASSROOM_DEV_HOURS).
INSERT INTO roi_scenarios (name, trainees, class_size, trainee_annual_salary,
    instructor_annual_salary, hours_per_year, classroom_hours, online_hours, travel_total,
    admin_days_per_class, admin_hourly, online_admin_classes, classroom_dev_hours,
    online_dev_multiplier, platform_cost, runs_per_year, years, notes)
VALUES ('導入HRD平台ROI分析 (seed example)', 450, 50, 650000, 1000000, NULL, 8, 4, 200000,
    3, NULL, 1, 40, 2, 0, 1, 3,
    '文章範例：450 人次、每班 50 人（9 班），8 小時課堂課程改為 4 小時線上課程。課堂教材開發 40 小時為本工具的假設，文章未提供。'
    || chr(10) ||
    'The post''s example: 450 trainee-places, 50 per class (9 classes), an 8-hour classroom course becoming a 4-hour online course. Classroom development of 40 hours is this tool''s assumption; the post gives none.');
