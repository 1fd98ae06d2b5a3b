-- SLA policies by condition: an ordered list; the first policy whose conditions a ticket meets
-- gives its deadlines. Replaces the one-row-per-level sla_policy, whose rows become the
-- fallback policies (one per level) at the end of the list, so stored deadlines keep their meaning.

-- Two stages, each optional (a policy has at least one): the first action (response, arrival
-- on site or inspection; fills first_response_due_at) and completion (fills standard_due_at).
-- Units as in 020_service.sql. A missing condition matches anything; category, department and
-- channel match case-insensitively, level exactly.
-- New policies take ids from 6 on: 1–5 are the migrated level policies (id = level).
CREATE SEQUENCE sla_policy_id_seq START 6;

CREATE TABLE sla_policies (
    policy_id           INTEGER PRIMARY KEY,
    position            INTEGER NOT NULL UNIQUE,  -- 1 = tried first
    name                VARCHAR NOT NULL,
    category            VARCHAR,
    department          VARCHAR,
    channel             VARCHAR,
    level               INTEGER CHECK (level BETWEEN 1 AND 5),
    first_action        VARCHAR NOT NULL DEFAULT 'response'
                        CHECK (first_action IN ('response', 'on_site', 'inspection')),
    first_action_value  INTEGER CHECK (first_action_value >= 0),
    first_action_unit   VARCHAR CHECK (first_action_unit IN
        ('minutes', 'hours', 'calendar_days', 'business_days', 'end_of_business_day')),
    completion_value    INTEGER CHECK (completion_value >= 0),
    completion_unit     VARCHAR CHECK (completion_unit IN
        ('minutes', 'hours', 'calendar_days', 'business_days', 'end_of_business_day')),
    CHECK ((first_action_value IS NULL) = (first_action_unit IS NULL)),
    CHECK ((completion_value IS NULL) = (completion_unit IS NULL)),
    CHECK (first_action_value IS NOT NULL OR completion_value IS NOT NULL)
);

CREATE TABLE sla_policy_presets (
    preset              VARCHAR NOT NULL,
    position            INTEGER NOT NULL,
    name_zh             VARCHAR NOT NULL,
    name_en             VARCHAR NOT NULL,
    category            VARCHAR,
    department          VARCHAR,
    channel             VARCHAR,
    level               INTEGER,
    first_action        VARCHAR NOT NULL,
    first_action_value  INTEGER,
    first_action_unit   VARCHAR,
    completion_value    INTEGER,
    completion_unit     VARCHAR,
    PRIMARY KEY (preset, position)
);

-- The seed's severity levels (客戶報修等級區分), as 020_service.sql shipped them.
INSERT INTO sla_policy_presets
SELECT 'seed_levels', level, 'Level ' || level, 'Level ' || level, NULL, NULL, NULL, level, 'response',
       first_response_value, first_response_unit, resolution_value, resolution_unit
FROM sla_presets WHERE preset = 'seed_levels';

-- The seed's Taipei 1999 citizen-hotline dispatch table (1999市民熱線的派工時效管制), one policy
-- per dispatch item (派工項目), keyed by the item's name as the category, then the severity
-- levels as the fallback. The limits run round the clock: hours are clock hours, and the one
-- second stage, 12日內完工, counts calendar days (日 in a Taiwanese administrative deadline, as
-- in the Administrative Procedure Act; a working-day limit would say 工作天). Readings of the
-- seed's text: item 11 shows no limit of its own, it shares the merged 4-hour cell of item 12
-- (same squad, 衛生稽查大隊); item 14's after-16:00 rule (翌日中午前完成) has no unit here and is
-- left out; item 13 keeps the seed's spelling. Only item 16 has two stages.
INSERT INTO sla_policy_presets VALUES
    ('hotline_1999', 1, '人與動物噪音', 'Noise from people and animals', '人與動物噪音', NULL, NULL, NULL, 'on_site', 30, 'minutes', NULL, NULL),
    ('hotline_1999', 2, '違規停車處理', 'Illegal parking', '違規停車處理', NULL, NULL, NULL, 'on_site', 40, 'minutes', NULL, NULL),
    ('hotline_1999', 3, '超過8米道路坑洞處理', 'Pothole, road over 8 m wide', '超過8米道路坑洞處理', NULL, NULL, NULL, 'inspection', 24, 'hours', NULL, NULL),
    ('hotline_1999', 4, '8米以下道路坑洞處理', 'Pothole, road up to 8 m wide', '8米以下道路坑洞處理', NULL, NULL, NULL, 'inspection', 24, 'hours', NULL, NULL),
    ('hotline_1999', 5, '人手孔破處理', 'Broken manhole', '人手孔破處理', NULL, NULL, NULL, 'inspection', 24, 'hours', NULL, NULL),
    ('hotline_1999', 6, '道路側溝溝蓋損壞', 'Damaged gutter cover', '道路側溝溝蓋損壞', NULL, NULL, NULL, 'inspection', 24, 'hours', NULL, NULL),
    ('hotline_1999', 7, '路燈故障處理', 'Street light out', '路燈故障處理', NULL, NULL, NULL, 'inspection', 48, 'hours', NULL, NULL),
    ('hotline_1999', 8, '路樹處理', 'Street trees', '路樹處理', NULL, NULL, NULL, 'inspection', 48, 'hours', NULL, NULL),
    ('hotline_1999', 9, '道路側溝結構損壞', 'Damaged gutter structure', '道路側溝結構損壞', NULL, NULL, NULL, 'inspection', 24, 'hours', NULL, NULL),
    ('hotline_1999', 10, '河濱自行車道破損', 'Damaged riverside bike path', '河濱自行車道破損', NULL, NULL, NULL, 'inspection', 24, 'hours', NULL, NULL),
    ('hotline_1999', 11, '場所與設施噪音', 'Noise from premises and equipment', '場所與設施噪音', NULL, NULL, NULL, 'on_site', 4, 'hours', NULL, NULL),
    ('hotline_1999', 12, '污染舉發', 'Pollution report', '污染舉發', NULL, NULL, NULL, 'on_site', 4, 'hours', NULL, NULL),
    ('hotline_1999', 13, '大型廢棄物溝清運聯繫', 'Bulky waste pick-up appointment', '大型廢棄物溝清運聯繫', NULL, NULL, NULL, 'response', 1, 'hours', NULL, NULL),
    ('hotline_1999', 14, '鄰里無主垃圾清運', 'Unclaimed rubbish in the neighbourhood', '鄰里無主垃圾清運', NULL, NULL, NULL, 'on_site', 4, 'hours', NULL, NULL),
    ('hotline_1999', 15, '雨水下水道側溝清淤', 'Storm drain and gutter dredging', '雨水下水道側溝清淤', NULL, NULL, NULL, 'response', NULL, NULL, 24, 'hours'),
    ('hotline_1999', 16, '交通號誌不亮申報修復', 'Traffic light out', '交通號誌不亮申報修復', NULL, NULL, NULL, 'inspection', 6, 'hours', 12, 'calendar_days'),
    ('hotline_1999', 17, '交通標誌損壞傾斜', 'Damaged or leaning traffic sign', '交通標誌損壞傾斜', NULL, NULL, NULL, 'inspection', 48, 'hours', NULL, NULL),
    ('hotline_1999', 18, '用戶無水漏水', 'No water or leak at a customer', '用戶無水漏水', NULL, NULL, NULL, 'inspection', 2, 'hours', NULL, NULL);

INSERT INTO sla_policy_presets
SELECT 'hotline_1999', 18 + position, name_zh, name_en, category, department, channel, level, first_action,
       first_action_value, first_action_unit, completion_value, completion_unit
FROM sla_policy_presets WHERE preset = 'seed_levels';

INSERT INTO sla_policies
SELECT level, level, 'Level ' || level, NULL, NULL, NULL, level, 'response',
       first_response_value, first_response_unit, resolution_value, resolution_unit
FROM sla_policy;

DROP TABLE sla_policy;
DROP TABLE sla_presets;

-- The dispatch item or request type (1999 派工項目, Zendesk ticket type, ServiceNow category …).
ALTER TABLE ticket_versions ADD COLUMN category VARCHAR;
-- The policy that gave the ticket's deadlines; set wherever deadlines are derived.
ALTER TABLE ticket_versions ADD COLUMN sla_policy_id INTEGER;

-- Until now the level alone chose the limits: each stored ticket took its level's policy.
UPDATE ticket_versions AS v SET sla_policy_id = p.policy_id
FROM sla_policies p WHERE p.level = v.level;
