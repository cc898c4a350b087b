"""Database backends that flush the read models (alwaysevents.read_models) inside each transaction."""


class ReadModelFlushing:
    """Mixed into Django's DatabaseWrapper: the marked read-model rows are rebuilt as an atomic block closes
    (before its savepoint is released) and just before the transaction commits."""

    def savepoint_commit(self, sid):
        from alwaysevents import read_models

        read_models.flush(using=self.alias)
        super().savepoint_commit(sid)

    def commit(self):
        from alwaysevents import read_models

        read_models.flush(using=self.alias)
        super().commit()

    def rollback(self):
        from alwaysevents import read_models

        read_models.discard(self)
        super().rollback()
