from django import template

register = template.Library()


def _n(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.4g}" if abs(v) < 1e6 else f"{v:,.0f}"
    return str(v)


@register.filter
def trend_inputs(trend) -> str:
    """The trend method's inputs in words, so a reader can redo the arithmetic."""
    if trend is None:
        return ""
    i = trend.inputs or {}
    parts = []
    if "base_year" in i:
        parts.append(f"基期 {i['base_year']}年 {_n(i['base_value'])}")
    if "current_year" in i:
        parts.append(f"最新 {i['current_year']}年 {_n(i['current_value'])}")
    if i.get("target") is not None:
        parts.append(f"目标 {i.get('target_display') or _n(i['target'])}（{i.get('target_year')}年）")
    if "cagr_observed" in i:
        parts.append(f"实际年均增长 {i['cagr_observed'] * 100:.2f}%")
    if "cagr_required" in i:
        parts.append(f"所需年均增长 {i['cagr_required'] * 100:.2f}%")
    if "coefficient" in i:
        parts.append(f"上限 {_n(i['limit'])} 的缩放系数 {i['coefficient']:.3f}")
    if trend.progress is not None and "cagr_required" in i:
        parts.append(f"比值 R={trend.progress:.3f}")
    if "thresholds" in i:
        th = i["thresholds"]
        parts.append(f"阈值 {_n(th['high'])}/{_n(th['med'])}/{_n(th['low'])}")
    if "sub_items" in i:
        parts.append("分项：" + "，".join(f"{k}" for k in i["sub_items"]))
    return "；".join(parts)


@register.filter
def pct(value, places=0) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.{int(places)}f}%"


@register.filter
def json_data(value):
    """Like json_script's content, without escaping every Chinese character to \\uXXXX: the
    100-county matrix is 4,000 cells of Chinese text and six bytes per character tripled it."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder
    from django.utils.safestring import mark_safe

    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))  # nosec B308 B703  # escaped before: json with <>& as \u escapes / escape()+format_html
