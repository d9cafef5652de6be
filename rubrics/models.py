"""Models of the rubrics app."""
