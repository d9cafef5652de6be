"""A fixture's Celery conf leaves nothing behind: the app follows Django's settings again."""

from __future__ import annotations

from tests.celery_conf import celery_conf


def test_the_app_follows_settings_again_after_the_block(settings):
    from config.celery import app

    # As the outage fixture does: the dead server's URL goes into settings first.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with celery_conf(broker_url="redis://127.0.0.1:9/0", task_always_eager=False):
        assert app.conf.broker_url == "redis://127.0.0.1:9/0"
    settings.CELERY_BROKER_URL = "memory://"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert app.conf.broker_url == "memory://"
    assert app.conf.task_always_eager is True
    assert app._pool is None  # the next send opens a pool on the current URL


def test_tasks_can_still_be_sent_after_the_block():
    from config.celery import app

    with app.producer_or_acquire():
        pass  # the process-wide producer pool for this broker now exists
    with celery_conf(task_always_eager=False):
        pass
    with app.producer_or_acquire() as producer:
        assert producer is not None
