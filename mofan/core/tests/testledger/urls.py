from mofan.core.ledger.views import LedgerScreens

from .models import Errand


class ErrandScreens(LedgerScreens):
    model = Errand
    columns = ["title", "place", *LedgerScreens.common_columns]
    form_fields = ["title", "place", "express", "registered_on"]
    detail_fields = ["place", "registered_on", "owner", "deadline", "inspected_by"]


app_name = "testledger"
urlpatterns = [*ErrandScreens.urls("errands")]
