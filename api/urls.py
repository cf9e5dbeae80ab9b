from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("clusters", views.ClusterViewSet, basename="cluster")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("news", views.NewsItemViewSet, basename="newsitem")

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.ApiDocsView.as_view(), name="docs"),
    *router.urls,
]
