"""The query counter the bounded-query tests share leaves out the database cache's outage
probe, which the clock decides (tests/query_counts.py), and keeps the code's own queries."""

import math

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.cache_fallback import FallbackCache
from lti_tool.models import Platform
from tests.query_counts import count_queries

pytestmark = pytest.mark.django_db

_CACHES = {
    "default": {
        "BACKEND": "config.cache_fallback.FallbackCache",
        "OPTIONS": {"PRIMARY": "primary", "FALLBACK": "database"},
    },
    "primary": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "credbridge_cache",
    },
}


def test_a_miss_that_probes_the_database_cache_counts_only_the_codes_query(settings):
    settings.CACHES = _CACHES
    cache = caches["default"]
    assert isinstance(cache, FallbackCache)
    # The probe is due, as it is for the first miss in each window of FALLBACK_CHECK_S.
    cache._health.fallback_checked_at = -math.inf
    with CaptureQueriesContext(connection) as everything, count_queries() as counted:
        assert cache.get("nobody-wrote-this") is None
        assert Platform.objects.filter(issuer="https://nowhere.example").count() == 0
    assert any("credbridge_cache" in q["sql"] for q in everything.captured_queries)
    assert len(counted) == 1
    assert "lti_tool_platform" in counted.sql[0]
