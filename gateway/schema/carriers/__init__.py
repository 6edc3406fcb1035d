from .enums import LineOfCoverage, LineOfCoverageVariant
from .queries import CarrierQueries
from .types import Carrier, CarrierLine

__all__ = ["Carrier", "CarrierLine", "CarrierQueries", "LineOfCoverage", "LineOfCoverageVariant"]
