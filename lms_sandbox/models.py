"""Models of the lms_sandbox app."""
