"""Reads of co-production records, one module per part of the journey, always through the reader's `Access`
(`projects` holds the project reads every other module builds on: `project_visible` and `records_of`)."""
