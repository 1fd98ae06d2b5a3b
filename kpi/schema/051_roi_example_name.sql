-- The shipped example scenario's name and notes spoke the developers' words ("seed example",
-- "the post"): rename it for the people who read it. A user-renamed scenario is left alone.
UPDATE roi_scenarios
SET name = '導入HRD平台ROI分析（範例）',
    notes = replace(notes, 'The post''s example:', 'The worked example of 導入HRD平台ROI分析:')
WHERE name = '導入HRD平台ROI分析 (seed example)';
UPDATE roi_scenarios
SET notes = replace(replace(notes, '文章範例：', '計算範例：'), '文章未提供', '範例未提供')
WHERE name = '導入HRD平台ROI分析（範例）';
UPDATE roi_scenarios
SET notes = replace(notes, 'the post gives none', 'the example gives none')
WHERE name = '導入HRD平台ROI分析（範例）';
