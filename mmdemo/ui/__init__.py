"""The Streamlit layer: page setup, sidebar, session state, shared widgets.

The only part of mmdemo that imports streamlit.
"""
