"""Models of the awarding app."""
