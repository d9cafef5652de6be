# gunicorn reads this file from the working directory (the Procfile's `web` process).
# Access-log lines carry request lines and Referers, which may hold launch tokens (`?lt=`).
logger_class = "config.log_redaction.RedactingGunicornLogger"


def post_worker_init(worker):
    """Once the application is loaded in a worker: import the URL modules, then freeze what
    the process holds, so no full garbage collection walks the loaded modules' objects
    again (config/worker_warmup.py; ADR 0099)."""
    # Imported in the worker, once its application (and so Django) is loaded.
    from config.worker_warmup import freeze_heap, warm_up  # noqa: PLC0415

    warm_up()
    freeze_heap()
