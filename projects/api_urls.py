"""The project-canvas API; included under ``/api/projects/`` (namespace ``api``)."""

from django.urls import path

from projects import apis

urlpatterns = [
    path("criteria/", apis.CriteriaApi.as_view(), name="projects_criteria"),
    path("workspaces/", apis.WorkspaceListApi.as_view(), name="projects_workspace_list"),
    path("workspaces/<int:workspace_id>/", apis.WorkspaceDetailApi.as_view(), name="projects_workspace_detail"),
    path("workspaces/<int:workspace_id>/members/", apis.MemberListApi.as_view(), name="projects_member_list"),
    path(
        "workspaces/<int:workspace_id>/members/<int:membership_id>/",
        apis.MemberDetailApi.as_view(),
        name="projects_member_detail",
    ),
    path("workspaces/<int:workspace_id>/invites/", apis.InviteListApi.as_view(), name="projects_invite_list"),
    path(
        "workspaces/<int:workspace_id>/invites/<str:role>/",
        apis.InviteDetailApi.as_view(),
        name="projects_invite_detail",
    ),
    path("invites/<str:token>/accept/", apis.InviteAcceptApi.as_view(), name="projects_invite_accept"),
    path("workspaces/<int:workspace_id>/ideas/", apis.IdeaListApi.as_view(), name="projects_idea_list"),
    path("workspaces/<int:workspace_id>/ranking/", apis.RankingApi.as_view(), name="projects_ranking"),
    path("workspaces/<int:workspace_id>/ranking.csv", apis.RankingCsvApi.as_view(), name="projects_ranking_csv"),
    path("workspaces/<int:workspace_id>/weights/", apis.WeightsApi.as_view(), name="projects_weights"),
    path("ideas/<int:idea_id>/", apis.IdeaDetailApi.as_view(), name="projects_idea_detail"),
    path("ideas/<int:idea_id>/evaluation/", apis.MyEvaluationApi.as_view(), name="projects_my_evaluation"),
    path("ideas/<int:idea_id>/data/", apis.IdeaDataApi.as_view(), name="projects_idea_data"),
    path("ideas/<int:idea_id>/data/measure/", apis.IdeaMeasureApi.as_view(), name="projects_idea_measure"),
]
