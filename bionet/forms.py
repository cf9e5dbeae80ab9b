from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .lib.text import NormalizedCharField


class SearchForm(forms.Form):
    # Read in the form names are stored in: decomposed Hangul and full-width letters find
    # what they spell, and the page says what it searched for.
    q = NormalizedCharField(
        label=_("Search the directory"),
        max_length=200,
        strip=True,
        widget=forms.SearchInput(attrs={"placeholder": _("e.g. 보산진, KHIDI, 산업진흥, 오송")}),
    )


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in form, refusing a username longer than any account's (150
    characters) as too long, before anyone tries to sign in with it.

    Django's form only tells the browser that length; a longer username posted anyway went on
    to authentication, and django-axes records each failed one in a column of 255 characters,
    which PostgreSQL enforces: a 500. Refused here, it is never recorded, and lockouts of real
    usernames work as before.
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
