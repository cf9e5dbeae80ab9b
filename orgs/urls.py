from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("", views.OrganizationListView.as_view(), name="organization_list"),
    path("export.csv", views.organization_export, name="organization_export"),
    path("<slug:slug>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
]
