"""The LOGGING settings: the format the operator names, the redaction filter on the one
handler, and a clear refusal of a format the tool does not have."""

import logging.config

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.logging_config import logging_config


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_the_handler_uses_the_named_format_and_redacts(log_format):
    config = logging_config(log_format=log_format, level="WARNING")
    handler = config["handlers"]["console"]
    assert handler["formatter"] == log_format
    assert handler["filters"] == ["redact_secrets"]
    assert config["root"]["level"] == "WARNING"
    logging.config.dictConfig(config)  # Django hands it to dictConfig: it must load
    try:
        (console,) = logging.getLogger().handlers
        assert type(console.formatter).__name__.lower().startswith(log_format)
    finally:
        from django.conf import settings

        logging.config.dictConfig(settings.LOGGING)


def test_an_unknown_format_is_refused_by_name():
    with pytest.raises(ImproperlyConfigured, match="json or text"):
        logging_config(log_format="xml", level="INFO")
