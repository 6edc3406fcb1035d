"""Member snapshots (stub; being filled in)."""

routes: list = []


def tick(state) -> None:
    pass
