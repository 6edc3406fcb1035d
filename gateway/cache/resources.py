"""Names of the cache resources that are not one Noyo record type (``RESOURCE_TTL_SETTINGS``
names those): list queries, full snapshots, the employee's current coverages.

The loaders fill them; ``invalidation`` drops them."""

LIST_GROUPS = "list:groups"
LIST_CARRIERS = "list:carriers"
LIST_DISCONNECTIONS = "list:disconnections"
LIST_SNAPSHOTS = "list:snapshots"
SNAPSHOT_DETAIL = "snapshot_detail"
COVERAGES_BY_EMPLOYEE = "coverages_by_employee"

__all__ = [
    "COVERAGES_BY_EMPLOYEE",
    "LIST_CARRIERS",
    "LIST_DISCONNECTIONS",
    "LIST_GROUPS",
    "LIST_SNAPSHOTS",
    "SNAPSHOT_DETAIL",
]
