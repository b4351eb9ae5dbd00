"""Pages of the project canvas; included under ``/projects/`` (namespace ``projects``)."""

from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.workspace_list, name="list"),
    path("new", views.workspace_new, name="workspace_new"),
    path("w/<int:workspace_id>/", views.workspace_detail, name="workspace"),
    path("w/<int:workspace_id>/ideas.csv", views.workspace_csv, name="workspace_csv"),
    path("w/<int:workspace_id>/ideas/new/", views.idea_new, name="idea_new"),
    path("w/<int:workspace_id>/weights/", views.workspace_weights, name="weights"),
    path("w/<int:workspace_id>/members/", views.workspace_members, name="members"),
    path("w/<int:workspace_id>/settings", views.workspace_settings, name="settings"),
    path("w/<int:workspace_id>/room", views.workspace_room, name="room"),
    path("w/<int:workspace_id>/delete", views.workspace_delete, name="workspace_delete"),
    path("w/<int:workspace_id>/members/<int:membership_id>/role", views.member_role, name="member_role"),
    path("w/<int:workspace_id>/members/<int:membership_id>/remove", views.member_remove, name="member_remove"),
    path("w/<int:workspace_id>/invites/<str:role>/rotate", views.invite_rotate, name="invite_rotate"),
    path("w/<int:workspace_id>/invites/<str:role>/revoke", views.invite_revoke, name="invite_revoke"),
    path("join/<str:token>/", views.invite_accept, name="invite"),
    path("ideas/<int:idea_id>/", views.idea_detail, name="idea"),
    path("ideas/<int:idea_id>/edit/", views.idea_edit, name="idea_edit"),
    path("ideas/<int:idea_id>/delete", views.idea_delete, name="idea_delete"),
    path("ideas/<int:idea_id>/evaluate", views.idea_evaluate, name="idea_evaluate"),
    path("ideas/<int:idea_id>/data/", views.idea_data_attach, name="idea_data_attach"),
    path("ideas/<int:idea_id>/data/measure", views.idea_data_measure, name="idea_data_measure"),
    path("ideas/<int:idea_id>/data/remove", views.idea_data_remove, name="idea_data_remove"),
    path("ideas/<int:idea_id>/data/status", views.idea_data_status, name="idea_data_status"),
    path("submit/", views.student_code, name="student_code"),
    path("submit/<str:code>/", views.student_submit, name="student_submit"),
]
