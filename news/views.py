from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from agreements.models import with_agreement_counts
from bionet.lib.views import DirectoryListView, ReadOnlyMixin

from .filters import NewsItemFilterSet
from .models import NewsItem

# A news item's page lists the newest of the records citing it.
CITING_AGREEMENTS_SHOWN = 50


class NewsItemListView(DirectoryListView):
    """News items the directory is taken from. Template: news/newsitem_list.html."""

    page_title = _("News items")
    filterset_class = NewsItemFilterSet
    template_name = "news/newsitem_list.html"

    def get_queryset(self):
        return with_agreement_counts(NewsItem.objects.for_list())


class NewsItemDetailView(ReadOnlyMixin, DetailView):
    """One news item: metadata, main text, the agreements citing it.

    Template: news/newsitem_detail.html.
    """

    model = NewsItem

    def get_context_data(self, **kwargs):
        agreements = self.object.agreements.published()
        return super().get_context_data(
            agreements=agreements.for_list()[:CITING_AGREEMENTS_SHOWN],
            agreement_count=agreements.count(),
            **kwargs,
        )
