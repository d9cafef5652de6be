# gunicorn reads this file from the working directory (the Procfile's `web` process).
# Access-log lines carry request lines and Referers, which may hold launch tokens (`?lt=`).
logger_class = "config.log_redaction.RedactingGunicornLogger"
