"""Service-operations KPI library: ingestion, the DuckDB store and KPI computations.

Plain Python and SQL; it never imports streamlit.
"""
