"""Checked files, without Qt and without the rest of the project: atomic writes and safe reads
(files.py), checksummed TOML / CSV text (checked_text.py) and binary containers (container.py)."""
