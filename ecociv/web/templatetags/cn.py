from django import template

from ecociv.core import fmt
from ecociv.core.targets import STATUS_LABELS, Status

register = template.Library()


@register.filter
def cndate(value):
    return fmt.cn_date(value)


@register.filter
def cndatetime(value):
    return fmt.cn_date(value, with_time=True)


@register.filter
def num(value, places=None):
    return fmt.number(value, int(places) if places not in (None, "") else None)


@register.filter
def wan(value):
    return fmt.money_wan(value)


@register.filter
def status_label(value):
    try:
        return STATUS_LABELS[Status(value)]
    except ValueError:
        return value


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def class_label(value):
    from ecociv.core.targets import CLASS_LABELS

    return CLASS_LABELS.get(value, value)
