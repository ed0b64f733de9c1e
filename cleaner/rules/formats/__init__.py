"""Rule formats written by others, read beside the project's own YAML rules (see rules.py)."""
