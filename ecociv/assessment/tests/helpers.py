"""Hand-made data for assessment tests: values put straight into the tables the engine reads."""
from decimal import Decimal

from ecociv.core.targets import select_target
from ecociv.entry.models import IndicatorValue
from ecociv.standards.models import Indicator


def ind(world, code) -> Indicator:
    return Indicator.objects.get(standard=world.standard, code=code)


def put(world, region, year, code, value=None, achieved=None, status="approved"):
    # A fixture replaces the row outright: the model refuses to change a submitted or approved
    # value in place (entry's one lock rule), and a test setting up data is not a correction.
    indicator = ind(world, code)
    IndicatorValue.objects.filter(region=region, year=year, indicator=indicator).delete()
    return IndicatorValue.objects.create(
        region=region, year=year, indicator=indicator,
        value=Decimal(str(value)) if value is not None else None, achieved=achieved, status=status)


def fill_passing(world, region, year):
    """Every applicable leaf exactly at its target (numeric) or recorded as done (text)."""
    rc = region.as_class()
    for i in Indicator.objects.filter(standard=world.standard).prefetch_related("targets", "sub_items"):
        if i.sub_items.exists():
            continue
        applies = i.parent.applies_to if i.parent_id else i.applies_to
        if applies in ("city", "county") and applies != region.admin_class:
            continue
        if (i.coastal_only or (i.parent_id and i.parent.coastal_only)) and not region.coastal:
            continue
        spec = select_target(i.target_specs(), rc)
        if spec is not None and spec.op != "text":
            put(world, region, year, i.code, value=spec.value)
        else:
            put(world, region, year, i.code, achieved=True)


def satisfy_preconditions(world, region, year):
    from ecociv.assessment.actions import record_fact

    record_fact(region, year, "plan_adopted", "satisfied", by=world.city_admin, source_document="X政发〔2024〕1号")
