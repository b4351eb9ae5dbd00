"""The quiz builder's pages; mounted at ``/quizzes/``."""

from django.urls import path

from quizapp.authoring import views

app_name = "builder"

urlpatterns = [
    path("", views.quiz_list, name="quiz_list"),
    path("new/", views.quiz_new, name="quiz_new"),
    path("import/", views.quiz_import, name="quiz_import"),
    path("<int:quiz_id>/", views.quiz_edit, name="quiz_edit"),
    path("<int:quiz_id>/export/", views.quiz_export, name="quiz_export"),
    path("<int:quiz_id>/delete/", views.quiz_remove, name="quiz_delete"),
    path("<int:quiz_id>/questions/add/", views.question_add, name="question_add"),
    path("<int:quiz_id>/questions/<int:question_id>/", views.question_edit, name="question_edit"),
    path("<int:quiz_id>/questions/<int:question_id>/move/", views.question_move, name="question_move"),
    path("<int:quiz_id>/questions/<int:question_id>/duplicate/", views.question_duplicate, name="question_duplicate"),
    path("<int:quiz_id>/questions/<int:question_id>/delete/", views.question_delete, name="question_delete"),
    path("<int:quiz_id>/questions/<int:question_id>/preview/", views.item_preview, name="item_preview"),
]
