"""The quiz API; included under ``/api/`` (namespace ``api``)."""

from django.urls import path

from quizapp import apis

urlpatterns = [
    path("quizzes/", apis.QuizListApi.as_view(), name="quiz_list"),
    path("quizzes/import/", apis.QuizImportApi.as_view(), name="quiz_import"),
    path("quizzes/<int:quiz_id>/", apis.QuizDetailApi.as_view(), name="quiz_detail"),
    path("quizzes/<int:quiz_id>/export/", apis.QuizExportApi.as_view(), name="quiz_export"),
    path("quizzes/<int:quiz_id>/questions/", apis.QuizQuestionAddApi.as_view(), name="quiz_question_add"),
    path("questions/<int:question_id>/", apis.QuestionDetailApi.as_view(), name="question_detail"),
    path("questions/<int:question_id>/duplicate/", apis.QuestionDuplicateApi.as_view(), name="question_duplicate"),
    path("questions/<int:question_id>/move/", apis.QuestionMoveApi.as_view(), name="question_move"),
    path("rooms/", apis.RoomListApi.as_view(), name="room_list"),
    path("rooms/<str:code>/", apis.RoomDetailApi.as_view(), name="room_detail"),
    path("rooms/<str:code>/sessions/", apis.RoomSessionStartApi.as_view(), name="room_session_start"),
    path("rooms/<str:code>/quick-question/", apis.RoomQuickQuestionApi.as_view(), name="room_quick_question"),
    path("rooms/<str:code>/join/", apis.RoomJoinApi.as_view(), name="room_join"),
    path("sessions/", apis.SessionListApi.as_view(), name="session_list"),
    path("sessions/<int:session_id>/results/", apis.SessionResultsApi.as_view(), name="session_results"),
]
