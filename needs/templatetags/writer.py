"""`{% writer_field %}`: the hidden field naming who a form was written by, in every form whose text is kept
across an expired session (see `needs.privacy.recovery`)."""

from django import template
from django.utils.html import format_html

from needs.privacy.recovery import WRITER_FIELD
from needs.privacy.tags import person_tag

register = template.Library()


@register.simple_tag(takes_context=True)
def writer_field(context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return format_html('<input type="hidden" name="{}" value="{}">', WRITER_FIELD, person_tag(user))
