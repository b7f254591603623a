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


@register.filter
def user_message(exc):
    """An error's message when it was written for people (in Chinese); otherwise empty, so
    the page shows its own text instead of Django's internals (Resolver404, a dict of tried paths)."""
    import re

    text = str(exc or "")
    return text if re.search(r"[\u4e00-\u9fff]", text) and "{" not in text else ""
