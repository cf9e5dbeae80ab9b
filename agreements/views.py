from django.views.generic import DetailView, ListView

from .models import Agreement, NewsItem


class AgreementListView(ListView):
    model = Agreement
    paginate_by = 25


class AgreementDetailView(DetailView):
    model = Agreement


class NewsItemListView(ListView):
    model = NewsItem
    paginate_by = 25


class NewsItemDetailView(DetailView):
    model = NewsItem
