"""The Celery app of the crashed-worker test: the project's app, plus the fault point of
tests/fault_injection.py when CREDBRIDGE_FAULT is set (`celery -A tests.fault_worker worker`).

Connected at import, in the worker's main process, so every pool process it forks has it.
"""

from config.celery import app
from tests.fault_injection import connect_from_environment

connect_from_environment()

__all__ = ["app"]
