from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper

from alwaysevents.db import ReadModelFlushing


class DatabaseWrapper(ReadModelFlushing, PostgreSQLWrapper):
    pass
