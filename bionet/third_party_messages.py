"""Messages of the apps the directory uses that ship no Korean translation.

Nothing imports this module: it lists the messages so that ``makemessages`` keeps them in
the project's catalogue, whose translations Django prefers to the apps' own.
"""

from django.utils.translation import gettext_noop

# django-axes: its models and admin, as the curators' admin shows them.
AXES = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Locked Out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
]
