"""Streamlit components more than one page uses, one module each."""
