"""The demo's summaries: every organ's list of names to mask, seeded from the names the
system knows, and the demo bureau's summary of the demo year on the default template (so
报告 → 年度总结 opens filled from the year's records)."""

from . import defaults, services
from .models import SummaryTemplate

ORDER = 90  # after every app whose records the summary reads


def load(world):
    for parts in world.data["organs"]:
        services.seed_places(parts["organ"])
    organ = world.data["main"]["organ"]
    SummaryTemplate.objects.create(org=organ, year=world.year, title=defaults.TITLE,
                                   body=defaults.BODY)
    # The county's other organs write their summaries on the same default template.
    SummaryTemplate.objects.bulk_create([
        SummaryTemplate(org=parts["organ"], year=world.year, title=defaults.TITLE,
                        body=defaults.BODY) for parts in world.county_organs()])
