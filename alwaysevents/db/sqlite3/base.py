from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from alwaysevents.db import ReadModelFlushing


class DatabaseWrapper(ReadModelFlushing, SQLiteWrapper):
    pass
