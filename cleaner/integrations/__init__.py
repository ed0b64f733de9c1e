"""The cleaner as a step of other tools' pipelines (each behind its own optional extra)."""
