from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("agreements/", views.AgreementListView.as_view(), name="agreement_list"),
    path("agreements/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path("agreements.csv", views.agreement_export, name="agreement_export"),
    path("partnerships.csv", views.partnership_export, name="partnership_export"),
]
