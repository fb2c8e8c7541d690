from django import template

from xuncha.audit.labels import verb_label

register = template.Library()
register.filter("verb_label", verb_label)
