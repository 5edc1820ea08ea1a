"""Spanish number format as our users write money: 25.000 and 49,90."""

from django.conf.locale.es.formats import *  # noqa: F403  (extend Django's own)

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
