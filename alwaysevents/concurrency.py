"""Optimistic concurrency: every tenant row has a version; a save based on an older one is refused."""


class StaleEdit(Exception):
    """Someone saved this record after the editor loaded it. `current` holds the newer values to show."""

    def __init__(self, *, current):
        super().__init__(f"{current} was changed by someone else after you opened it")
        self.current = current
