from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("", views.network, name="network"),
    path("graph.json", views.network_graph, name="network_graph"),
    path("path/", views.network_path, name="network_path"),
    path("bionet-network.graphml", views.network_graphml, name="network_graphml"),
    path("bionet-network.gexf", views.network_gexf, name="network_gexf"),
    path("organizations/<slug:slug>/", views.organization_network, name="organization_network"),
    path(
        "organizations/<slug:slug>/graph.json",
        views.organization_network_graph,
        name="organization_network_graph",
    ),
    path("clusters/<slug:slug>/", views.cluster_network, name="cluster_network"),
    path(
        "clusters/<slug:slug>/graph.json",
        views.cluster_network_graph,
        name="cluster_network_graph",
    ),
]
