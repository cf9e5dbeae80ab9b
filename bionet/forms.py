from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the directory"),
        max_length=200,
        strip=True,
        widget=forms.SearchInput(attrs={"placeholder": _("e.g. 보산진, KHIDI, 산업진흥, 오송")}),
    )
