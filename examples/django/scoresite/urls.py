"""One page: upload a scoring function, see the site's lists scored."""
from django.urls import path

from scoring import views

urlpatterns = [path("", views.score_page, name="score")]
