"""The quiz API; included under ``/api/`` (namespace ``api``)."""

from django.urls import path

from core.pooled_http import whole_in_worker_thread
from quizapp.authoring import apis as authoring
from quizapp.live import apis as live

urlpatterns = [
    # First: a class of 10,000 joins at once, and Django tries the patterns in order.
    path("rooms/<str:code>/join/", whole_in_worker_thread(live.RoomJoinApi.as_view()), name="room_join"),
    path("quizzes/", authoring.QuizListApi.as_view(), name="quiz_list"),
    path("quizzes/import/", authoring.QuizImportApi.as_view(), name="quiz_import"),
    path("quizzes/<int:quiz_id>/", authoring.QuizDetailApi.as_view(), name="quiz_detail"),
    path("quizzes/<int:quiz_id>/export/", authoring.QuizExportApi.as_view(), name="quiz_export"),
    path("quizzes/<int:quiz_id>/questions/", authoring.QuizQuestionAddApi.as_view(), name="quiz_question_add"),
    path("questions/<int:question_id>/", authoring.QuestionDetailApi.as_view(), name="question_detail"),
    path("questions/<int:question_id>/duplicate/", authoring.QuestionDuplicateApi.as_view(), name="question_duplicate"),
    path("questions/<int:question_id>/move/", authoring.QuestionMoveApi.as_view(), name="question_move"),
    path("rooms/", live.RoomListApi.as_view(), name="room_list"),
    path("rooms/<str:code>/", live.RoomDetailApi.as_view(), name="room_detail"),
    path("rooms/<str:code>/sessions/", live.RoomSessionStartApi.as_view(), name="room_session_start"),
    path("rooms/<str:code>/quick-question/", live.RoomQuickQuestionApi.as_view(), name="room_quick_question"),
    path("sessions/", live.SessionListApi.as_view(), name="session_list"),
    path("sessions/<int:session_id>/results/", live.SessionResultsApi.as_view(), name="session_results"),
]
