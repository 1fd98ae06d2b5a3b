-- The demo people (kpi/people/demo.py), listed so that removing the demo data removes them too
-- and the home page can say they are shown. A user's own people are never listed here.
CREATE TABLE demo_people (
    employee_id     VARCHAR PRIMARY KEY
);

-- Stores that loaded the demo before this list existed: the demo roster as it was generated
-- (employee id and name must both match, so a user's own E1001 is not taken for a demo person).
INSERT INTO demo_people
SELECT p.employee_id
FROM people p
JOIN (VALUES
    ('E1001', '陳怡君'),
    ('E1002', '林志明'),
    ('E1003', '黃淑芬'),
    ('E1004', '張家豪'),
    ('E1005', '李雅婷'),
    ('E1006', '王建宏'),
    ('E1007', '吳佩珊'),
    ('E1008', '劉俊傑'),
    ('E1009', '蔡宜蓁'),
    ('E1010', '楊宗翰'),
    ('E1011', '許雅雯'),
    ('E1012', '鄭志偉'),
    ('E1013', '謝佳穎'),
    ('E1014', '郭建志'),
    ('E1015', '洪詩涵'),
    ('E1016', '曾冠宇'),
    ('E1017', '邱淑惠'),
    ('E1018', '廖承翰'),
    ('E1019', '賴怡萱'),
    ('E1020', '周明哲'),
    ('E1021', '徐嘉玲'),
    ('E1022', '蘇柏宏'),
    ('E1023', '葉美玲'),
    ('E1024', '莊家銘'),
    ('E1025', '江宛婷'),
    ('E1026', '呂俊宏'),
    ('E1027', '何欣怡'),
    ('E1028', '羅志豪'),
    ('E1029', '高雅琪'),
    ('E1030', '潘冠廷'),
    ('E1031', '張美華'),
    ('E1032', '陳國榮'),
    ('E1033', '林秀英'),
    ('E1034', '黃文雄'),
    ('E1035', '李淑貞'),
    ('E1036', '吳柏翰'),
    ('E1037', '施雅筑'),
    ('E1038', '方冠霖'),
    ('E1039', '杜欣妤'),
    ('E1040', '石承恩')
) AS roster(employee_id, name) ON roster.employee_id = p.employee_id AND roster.name = p.name;
