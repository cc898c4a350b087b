"""The Redis cache, resilient: with Redis unreachable a read is a miss and a write is skipped, so every page
keeps working (built from the database) while Redis is down. Nothing kept only in the cache is needed for
correctness: cached pages, analyses and charts are rebuilt, freshness tokens are made anew (so nothing stale
is served), and the sign-in rate limits are off until Redis is back (logged)."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _resilient(method_name: str, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(ResilientRedisCache, self), method_name)(*args, **kwargs)
        except UNREACHABLE:
            logger.warning("cache %s skipped: Redis is unreachable", method_name, exc_info=True)
            return fallback(*args, **kwargs)

    method.__name__ = method_name
    return method


class ResilientRedisCache(RedisCache):
    get = _resilient("get", lambda key, default=None, version=None: default)
    get_many = _resilient("get_many", lambda keys, version=None: {})
    set = _resilient("set", lambda *args, **kwargs: None)
    set_many = _resilient("set_many", lambda data, *args, **kwargs: list(data))
    add = _resilient("add", lambda *args, **kwargs: False)
    delete = _resilient("delete", lambda *args, **kwargs: False)
    delete_many = _resilient("delete_many", lambda *args, **kwargs: None)
    touch = _resilient("touch", lambda *args, **kwargs: False)
    has_key = _resilient("has_key", lambda *args, **kwargs: False)
    incr = _resilient("incr", lambda key, delta=1, version=None: delta)
    clear = _resilient("clear", lambda *args, **kwargs: None)
