from __future__ import annotations

from django.urls import path

from training import views
from training.coaching import views as coaching

app_name = "training"

urlpatterns = [
    path("", views.my_training, name="my_training"),
    path("modules/<slug:slug>/", views.module_take, name="module_take"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt_detail"),
    path("manage/", views.module_list, name="module_list"),
    path("manage/new/", views.module_create, name="module_create"),
    path("manage/<slug:slug>/edit/", views.module_edit, name="module_edit"),
    path("manage/<slug:slug>/assign/", views.module_assign, name="module_assign"),
    path("manage/matrix/", views.matrix, name="matrix"),
    path("manage/matrix.csv", views.matrix_csv, name="matrix_csv"),
    path("manage/people/<int:user_pk>/<slug:slug>/", views.person_attempts, name="person_attempts"),
    path("coaching/", coaching.coaching_home, name="coaching"),
    path("coaching/queue/", coaching.coaching_queue, name="coaching_queue"),
    path("coaching/complaints/<int:pk>/", coaching.coaching_complaint, name="coaching_complaint"),
    path("coaching/complaints/<int:pk>/review/", coaching.review_create, name="coaching_review_create"),
    path("coaching/reviews/<int:pk>/", coaching.review_detail, name="coaching_review"),
    path("coaching/reviews/<int:pk>/reply/", coaching.review_reply, name="coaching_reply"),
]
