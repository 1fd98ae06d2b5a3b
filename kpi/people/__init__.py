"""People and competencies: the competency model, who has which level (and on what evidence),
skills matrix, gaps, development blueprints and training plans (issue 4, spec
``domain/competency.md``). Plain Python and SQL over the tables of ``schema/030_people.sql``.
"""
