from .enums import CarrierLineOfCoverage, LineOfCoverage
from .queries import CarrierQueries
from .types import Carrier

__all__ = ["Carrier", "CarrierLineOfCoverage", "CarrierQueries", "LineOfCoverage"]
