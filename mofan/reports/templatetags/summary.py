"""The preview's pieces as HTML, written in Python so no template whitespace falls between
Chinese characters: a figure links to its records, a field with no data is marked."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def pieces(items):
    return mark_safe("".join(_piece(p) for p in items))  # noqa: S308 - each part escaped


def _piece(p) -> str:
    if p.field is None:
        return format_html("{}", p.text)
    source = f"{{{{ {p.field.source} }}}}"
    if p.missing:
        return format_html('<mark class="field-missing" title="{}：{}">{}</mark>', source,
                           p.reason, p.text)
    if not p.links:
        return format_html('<span class="field" title="{}">{}</span>', source, p.text)
    (label, url), more = p.links[0], p.links[1:]
    extra = format_html_join("", '<sup><a href="{}" title="{}">[{}]</a></sup>',
                             ((u, lab, i) for i, (lab, u) in enumerate(more, 2)))
    return format_html('<a class="field" href="{}" title="{}：{}">{}</a>{}', url, label, source,
                       p.text, extra)
