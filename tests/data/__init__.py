"""Test data: the corpus of malformed and hostile inputs (``bad/``) and the script that makes it."""
