from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("agreements/", views.AgreementListView.as_view(), name="agreement_list"),
    path("agreements/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path("news/", views.NewsItemListView.as_view(), name="newsitem_list"),
    path("news/<int:pk>/", views.NewsItemDetailView.as_view(), name="newsitem_detail"),
]
