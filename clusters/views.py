from django.views.generic import DetailView, ListView

from .models import Cluster


class ClusterListView(ListView):
    model = Cluster


class ClusterDetailView(DetailView):
    model = Cluster
