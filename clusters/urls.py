from django.urls import path

from . import views

app_name = "clusters"

urlpatterns = [
    path("", views.ClusterListView.as_view(), name="cluster_list"),
    path("<slug:slug>/", views.ClusterDetailView.as_view(), name="cluster_detail"),
]
