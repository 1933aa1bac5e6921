from mofan.core.ledger.indicators import define_indicators

from .models import Task

define_indicators(Task, "创建任务")
