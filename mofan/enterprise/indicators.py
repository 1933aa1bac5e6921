from mofan.core.ledger import define_indicators

from .models import Demand

define_indicators(Demand, "纾困解难诉求")
