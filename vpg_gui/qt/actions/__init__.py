"""The window's collaborators that turn menu actions into model commands and files: presets,
sessions and exports (files.py), Compare seeds and sweeps (sweeps.py)."""
