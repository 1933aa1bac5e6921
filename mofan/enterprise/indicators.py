from mofan.core.ledger.indicators import define_indicators

from .models import Demand

define_indicators(Demand, "纾困解难诉求", group="纾困解难")
