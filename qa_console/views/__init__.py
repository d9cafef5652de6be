"""The QA console's pages, one module per part: sign-in, the LMS handoff, rubric reviews,
award decisions, reports and the audit log."""
