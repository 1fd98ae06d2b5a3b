"""E-learning ROI: is moving a course from the classroom to e-learning worth it (issue 5).

``model`` computes a scenario's cost lines, savings, ROI and BCR; ``analysis`` the cumulative
view, tornado sensitivity and break-even; ``scenarios`` keeps named scenarios in the store;
``report`` builds the XLSX comparison and the HTML report; ``cli`` is ``python -m kpi roi``.
"""
