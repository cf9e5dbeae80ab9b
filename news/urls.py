from django.urls import path

from . import views

app_name = "news"

urlpatterns = [
    path("news/", views.NewsItemListView.as_view(), name="newsitem_list"),
    path("news/<int:pk>/", views.NewsItemDetailView.as_view(), name="newsitem_detail"),
]
