"""Names of the cache resources that are not one Noyo record type (``RESOURCE_TTL_SETTINGS``
names those): list queries, full snapshots, the employee's current state (Noyo's computed
member snapshot, whose ``coverages`` are ``Employee.coverages``).

The loaders fill them; ``invalidation`` drops them."""

LIST_GROUPS = "list:groups"
LIST_CARRIERS = "list:carriers"
LIST_DISCONNECTIONS = "list:disconnections"
LIST_SNAPSHOTS = "list:snapshots"
LIST_EMPLOYEES = "list:employees"
SNAPSHOT_DETAIL = "snapshot_detail"
CURRENT_SNAPSHOT_BY_EMPLOYEE = "current_snapshot_by_employee"

__all__ = [
    "CURRENT_SNAPSHOT_BY_EMPLOYEE",
    "LIST_CARRIERS",
    "LIST_DISCONNECTIONS",
    "LIST_EMPLOYEES",
    "LIST_GROUPS",
    "LIST_SNAPSHOTS",
    "SNAPSHOT_DETAIL",
]
