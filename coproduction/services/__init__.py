"""Writes of co-production records, one module per part of the journey. Every service is keyword-only,
atomic, checks the actor's `Access`, refuses stale edits (version) and is audited."""
