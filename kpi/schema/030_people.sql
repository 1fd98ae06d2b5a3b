-- People and competencies (issue 4): the competency model, people, the evidence of their levels
-- (assessments and certificates), completed learning, and the rule that derives a current level.
-- Levels: 0 none, 1 入門 Entry, 2 專業 Professional, 3 顧問 Consultant.
-- No FOREIGN KEY clauses: DuckDB checks them eagerly inside a transaction, which breaks
-- replace-style saves of the model; kpi/people/imports.py checks references instead.

CREATE TABLE roles (
    role_id         VARCHAR PRIMARY KEY,      -- short code, e.g. CS, PM
    name_zh         VARCHAR NOT NULL,
    name_en         VARCHAR NOT NULL,
    description_zh  VARCHAR,
    description_en  VARCHAR
);

CREATE TABLE competencies (
    competency_id   VARCHAR PRIMARY KEY,      -- stable code; names may be edited
    name_zh         VARCHAR NOT NULL,
    name_en         VARCHAR NOT NULL,
    description_zh  VARCHAR,
    description_en  VARCHAR
);

-- The competencies of a role, in the fixed order of its radar axes, and the level it requires.
CREATE TABLE role_requirements (
    role_id              VARCHAR NOT NULL,
    competency_id        VARCHAR NOT NULL,
    axis_order           INTEGER NOT NULL,
    required_level       INTEGER NOT NULL CHECK (required_level BETWEEN 1 AND 3),
    certificate_required BOOLEAN NOT NULL DEFAULT false,  -- a valid certificate must prove the level
    PRIMARY KEY (role_id, competency_id)
);

-- Learning items: the level an item builds is kept apart from how it is delivered (70-20-10:
-- on_the_job 70, mentoring 20, formal courses online or in a classroom 10).
CREATE TABLE learning_items (
    item_id         VARCHAR PRIMARY KEY,
    competency_id   VARCHAR NOT NULL,
    level           INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    title_zh        VARCHAR NOT NULL,
    title_en        VARCHAR NOT NULL,
    delivery_mode   VARCHAR NOT NULL CHECK (delivery_mode IN ('on_the_job', 'mentoring', 'classroom', 'online')),
    hours           DOUBLE NOT NULL CHECK (hours > 0)
);

CREATE TABLE people (
    employee_id     VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,         -- as written in the tickets' owner (負責人) column
    department      VARCHAR,
    role_id         VARCHAR,                  -- NULL: no role yet, so nothing is required
    manager         VARCHAR
);

CREATE SEQUENCE people_import_seq START 1;

CREATE TABLE people_imports (
    import_id       INTEGER PRIMARY KEY DEFAULT nextval('people_import_seq'),
    file_name       VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,         -- people, matrix, assessments, certificates, …
    encoding        VARCHAR,
    delimiter       VARCHAR,
    header_row      INTEGER,
    rows_read       INTEGER NOT NULL,
    rows_imported   INTEGER NOT NULL,
    rows_rejected   INTEGER NOT NULL,
    imported_at     TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);

-- One rating per person, competency, source and day: a re-upload of the same day corrects it.
CREATE TABLE assessments (
    employee_id     VARCHAR NOT NULL,
    competency_id   VARCHAR NOT NULL,
    source          VARCHAR NOT NULL CHECK (source IN ('self', 'manager')),
    assessed_on     DATE NOT NULL,
    level           INTEGER NOT NULL CHECK (level BETWEEN 0 AND 3),
    note            VARCHAR,
    import_id       INTEGER,                  -- NULL when entered in the app
    PRIMARY KEY (employee_id, competency_id, source, assessed_on)
);

CREATE TABLE certificates (
    employee_id       VARCHAR NOT NULL,
    certificate_name  VARCHAR NOT NULL,
    issuer            VARCHAR,
    competency_id     VARCHAR NOT NULL,
    level             INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    issued_on         DATE NOT NULL,
    expires_on        DATE,                   -- NULL: does not expire; valid through this day
    import_id         INTEGER,
    PRIMARY KEY (employee_id, certificate_name, issued_on)
);

CREATE TABLE completed_learning (
    employee_id     VARCHAR NOT NULL,
    item_id         VARCHAR NOT NULL,
    completed_on    DATE NOT NULL,
    import_id       INTEGER,
    PRIMARY KEY (employee_id, item_id)
);

-- Everything that says what level someone has, with the rank of its source in the derivation
-- rule: a certificate (3) beats a manager rating (2), which beats a self rating (1).
-- valid_until is only set for certificates; kpi/people/skills.py picks, per person and
-- competency, the evidence valid on the day asked about with the highest rank, then the newest,
-- then (same source, same day: two certificates) the higher level.
CREATE VIEW competency_evidence AS
SELECT employee_id, competency_id, level, source,
       CASE source WHEN 'manager' THEN 2 ELSE 1 END AS source_rank,
       assessed_on AS evidence_on, CAST(NULL AS DATE) AS valid_until,
       CAST(NULL AS VARCHAR) AS certificate_name, CAST(NULL AS VARCHAR) AS issuer, note
FROM assessments
UNION ALL
SELECT employee_id, competency_id, level, 'certificate', 3,
       issued_on, expires_on, certificate_name, issuer, CAST(NULL AS VARCHAR)
FROM certificates;

-- The seed's competency model (seeds/000: "系統服務CS能力需求設計", "系統服務的PM能力需求分析").
INSERT INTO roles VALUES
    ('CS', '系統技術客服', 'System technical customer service',
     '除客戶服務技能外，還需具備系統操作教學、FAQ、與技術人員溝通及客製化需求訪談等知識。',
     'Customer-service skills plus system knowledge: operating instructions, FAQ, talking to engineers, interviewing customers about custom requirements.'),
    ('PM', '系統服務PM', 'System service project manager',
     '除PMP要求的技能外，還需具備系統架構、規格、操作教學、FAQ及客製化需求訪談等知識。',
     'PMP skills plus system knowledge: architecture, specifications, operating instructions, FAQ, custom-requirement interviews.');

INSERT INTO competencies VALUES
    ('project_issue_mgmt', '專案問題管理能力', 'Project issue management',
     '熟悉維運客戶問題處理SOP並遵守SLA，在時效內追蹤任務進度並適時回報客戶；將問題整理至CRM方便接手同仁處理；熟悉專案管理工具（小烏龜、Planner、Project）；每週提供完整進度報告。',
     'Follows the support SOP and the SLA, tracks tasks on time and reports to the customer; records issues in the CRM for whoever picks them up; uses project tools (TortoiseSVN, Planner, Project); writes a complete weekly progress report.'),
    ('communication', '溝通協調能力', 'Communication and coordination',
     '善溝通（對內協調、對外溝通），能耐心處理客戶問題與客訴而不使滿意度下降；協調工程部門在約定時間內處理，來不及完成時於時限內告知客戶原委。',
     'Communicates inside and out, handles customer problems and complaints patiently without losing satisfaction; gets engineering to meet agreed times and warns the customer before a deadline slips.'),
    ('requirement_mgmt', '客戶需求管理能力', 'Customer requirement management',
     '有效管理並整理客戶需求：提供需求單、釐清規格、請工程師分析、報價、取得回簽並議定時程；謹守專案範疇，範疇外需求記錄於文件與CRM，依需求變更書格式撰寫。',
     'Turns requests into requirement forms, clarifies specifications, gets engineering analysis, quotes, obtains sign-off and agrees a schedule; keeps project scope, logs out-of-scope requests in documents and the CRM, writes change requests.'),
    ('problem_discovery', '發掘問題能力', 'Problem discovery',
     '遇到問題能先用QBQ（問題背後的問題）找出真正原因，第一時間提供正確資訊給處理人員。',
     'Uses QBQ (the question behind the question) to find the root cause and passes correct information to whoever handles it, first time.'),
    ('it_fundamentals', 'IT技術基本能力', 'IT fundamentals',
     '具備IIS、SQL、Windows Server、雲端服務基本知識，及基本系統除錯能力。',
     'IIS, SQL, Windows Server and cloud basics, and basic system debugging.'),
    ('product_faq', '產品操作與FAQ撰寫能力', 'Product operation and FAQ writing',
     '熟悉公司系統產品及相關FAQ，需要時能介紹給客戶了解。',
     'Knows the company''s products and their FAQ and can introduce them to customers.'),
    ('project_mgmt', '專案管理能力', 'Project management',
     '在有限資源與限制的時程下依專案規畫執行；熟悉時程規劃與資源管控、專案管理工具、專案SOP流程與文件；每週提供完整進度報告。',
     'Delivers to plan with limited resources and time; plans schedules and controls resources; uses project tools; knows the project SOP and its documents; writes a complete weekly report.'),
    ('documents_presentations', '文件簡報製作能力', 'Documents and presentations',
     '撰寫專案相關文件與簡報：建置計劃書、啟動會議簡報、定期週報、建置需求文件。',
     'Writes the project''s documents and decks: project plan, kick-off presentation, weekly report, requirement documents.'),
    ('product_training', '產品操作與訓練執行能力', 'Product operation and training delivery',
     '熟悉公司系統產品，並能介紹給客戶了解、執行教育訓練。',
     'Knows the company''s products, introduces them to customers and runs training.');

-- Required levels are this project's choice (the seed names the levels, not the targets):
-- CS is first line, so Professional in its daily work and Consultant in product/FAQ knowledge,
-- which the whole team relies on; PM owns the project and the customer relationship, so
-- Consultant in project management and communication. A certificate must prove IT fundamentals
-- for CS (vendor certificates exist) and project management for PM (the seed names PMP).
INSERT INTO role_requirements VALUES
    ('CS', 'project_issue_mgmt', 1, 2, false),
    ('CS', 'communication', 2, 2, false),
    ('CS', 'requirement_mgmt', 3, 1, false),
    ('CS', 'problem_discovery', 4, 2, false),
    ('CS', 'it_fundamentals', 5, 2, true),
    ('CS', 'product_faq', 6, 3, false),
    ('PM', 'project_mgmt', 1, 3, true),
    ('PM', 'communication', 2, 3, false),
    ('PM', 'requirement_mgmt', 3, 2, false),
    ('PM', 'documents_presentations', 4, 2, false),
    ('PM', 'it_fundamentals', 5, 1, false),
    ('PM', 'product_training', 6, 2, false);

-- Items marked "seed" carry the seed's level tag (E)/(P); the seed's list for documents and
-- presentations breaks off after "計劃書撰", so that item's level is ours. The seed lists no
-- items for problem discovery, IT fundamentals, the two product competencies or the Consultant
-- level: those items (no "seed" mark) are this project's, so every level has a way to learn it.
INSERT INTO learning_items VALUES
    ('issue_sop', 'project_issue_mgmt', 1, '專案問題處理SOP', 'Project issue handling SOP', 'online', 2),            -- seed
    ('progress_report', 'project_issue_mgmt', 1, '進度報告撰寫', 'Writing progress reports', 'on_the_job', 8),        -- seed
    ('issue_tools', 'project_issue_mgmt', 1, '專案管理工具使用', 'Using project management tools', 'online', 3),      -- seed
    ('issue_sla_cases', 'project_issue_mgmt', 2, 'SLA逾期個案檢討', 'Reviewing overdue SLA cases', 'on_the_job', 16),
    ('issue_coaching', 'project_issue_mgmt', 3, '帶領新人處理問題單', 'Coaching new staff on issue handling', 'mentoring', 12),
    ('negotiation', 'communication', 1, '溝通與談判技巧', 'Communication and negotiation skills', 'classroom', 6),     -- seed
    ('customer_psychology', 'communication', 2, '客戶心理學', 'Customer psychology', 'classroom', 6),                 -- seed
    ('system_interview_sop', 'communication', 2, '系統功能需求訪談SOP', 'System requirement interview SOP', 'online', 3), -- seed
    ('complaint_shadowing', 'communication', 2, '客訴處理見習', 'Shadowing complaint handling', 'mentoring', 8),
    ('escalation_lead', 'communication', 3, '主導升級客訴協調', 'Leading escalated complaints', 'on_the_job', 24),
    ('requirement_form', 'requirement_mgmt', 1, '需求單撰寫實作', 'Writing requirement forms', 'on_the_job', 8),
    ('interview_sop', 'requirement_mgmt', 2, '需求訪談SOP', 'Requirement interview SOP', 'online', 3),              -- seed
    ('ux_basics', 'requirement_mgmt', 2, '需求基本UX設計', 'Basic UX design for requirements', 'classroom', 6),      -- seed
    ('change_request_practice', 'requirement_mgmt', 3, '需求變更管理實作', 'Managing change requests', 'on_the_job', 16),
    ('qbq', 'problem_discovery', 1, 'QBQ問題背後的問題', 'QBQ: the question behind the question', 'classroom', 4),
    ('root_cause_cases', 'problem_discovery', 2, '根因分析個案實作', 'Root-cause analysis on real cases', 'on_the_job', 16),
    ('root_cause_mentor', 'problem_discovery', 3, '根因分析導師', 'Mentoring root-cause reviews', 'mentoring', 8),
    ('windows_iis', 'it_fundamentals', 1, 'IIS與Windows Server基礎', 'IIS and Windows Server basics', 'online', 6),
    ('sql_basics', 'it_fundamentals', 1, 'SQL基礎', 'SQL basics', 'online', 6),
    ('cloud_basics', 'it_fundamentals', 2, '雲端服務基礎', 'Cloud service basics', 'online', 6),
    ('debugging_practice', 'it_fundamentals', 2, '系統除錯實作', 'System debugging practice', 'on_the_job', 24),
    ('architecture_review', 'it_fundamentals', 3, '系統架構檢討參與', 'Taking part in architecture reviews', 'mentoring', 12),
    ('product_walkthrough', 'product_faq', 1, '產品操作導覽', 'Product walkthrough', 'online', 4),
    ('faq_writing', 'product_faq', 2, 'FAQ撰寫實作', 'Writing FAQ entries', 'on_the_job', 16),
    ('faq_ownership', 'product_faq', 3, '產品FAQ知識庫主責', 'Owning the product FAQ knowledge base', 'on_the_job', 40),
    ('project_planning', 'project_mgmt', 1, '專案規劃與管理', 'Project planning and management', 'classroom', 12),  -- seed
    ('project_sop_docs', 'project_mgmt', 1, '專案SOP文件內容', 'Project SOP documents', 'online', 3),               -- seed
    ('project_tools', 'project_mgmt', 1, '專案工具使用', 'Using project tools', 'online', 3),                       -- seed
    ('project_shadowing', 'project_mgmt', 2, '資深PM專案見習', 'Shadowing a senior PM', 'mentoring', 16),
    ('pmp_preparation', 'project_mgmt', 3, 'PMP證照準備', 'PMP certificate preparation', 'classroom', 35),
    ('project_examples', 'documents_presentations', 1, '專案範例研讀', 'Studying example projects', 'online', 4),   -- seed
    ('plan_writing', 'documents_presentations', 2, '計劃書撰寫', 'Writing project plans', 'on_the_job', 16),        -- seed, level ours
    ('kickoff_deck', 'documents_presentations', 3, '啟動會議簡報撰寫與報告', 'Kick-off deck and presentation', 'mentoring', 8),
    ('product_training_basics', 'product_training', 1, '產品教學準備', 'Preparing product training', 'online', 4),
    ('training_co_delivery', 'product_training', 2, '協同執行客戶教育訓練', 'Co-delivering customer training', 'mentoring', 12),
    ('training_lead', 'product_training', 3, '獨立主講客戶教育訓練', 'Leading customer training alone', 'on_the_job', 24);
