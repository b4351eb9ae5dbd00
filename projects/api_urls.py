"""The project-canvas API; included under ``/api/projects/`` (namespace ``api``)."""

from django.urls import path

from projects.apis import ideas, members, ranking, workspaces

urlpatterns = [
    path("criteria/", ranking.CriteriaApi.as_view(), name="projects_criteria"),
    path("workspaces/", workspaces.WorkspaceListApi.as_view(), name="projects_workspace_list"),
    path("workspaces/<int:workspace_id>/", workspaces.WorkspaceDetailApi.as_view(), name="projects_workspace_detail"),
    path("workspaces/<int:workspace_id>/members/", members.MemberListApi.as_view(), name="projects_member_list"),
    path(
        "workspaces/<int:workspace_id>/members/<int:membership_id>/",
        members.MemberDetailApi.as_view(),
        name="projects_member_detail",
    ),
    path("workspaces/<int:workspace_id>/invites/", members.InviteListApi.as_view(), name="projects_invite_list"),
    path(
        "workspaces/<int:workspace_id>/invites/<str:role>/",
        members.InviteDetailApi.as_view(),
        name="projects_invite_detail",
    ),
    path("invites/<str:token>/accept/", members.InviteAcceptApi.as_view(), name="projects_invite_accept"),
    path("workspaces/<int:workspace_id>/ideas/", ideas.IdeaListApi.as_view(), name="projects_idea_list"),
    path("workspaces/<int:workspace_id>/ranking/", ranking.RankingApi.as_view(), name="projects_ranking"),
    path("workspaces/<int:workspace_id>/ranking.csv", ranking.RankingCsvApi.as_view(), name="projects_ranking_csv"),
    path("workspaces/<int:workspace_id>/weights/", ranking.WeightsApi.as_view(), name="projects_weights"),
    path("ideas/<int:idea_id>/", ideas.IdeaDetailApi.as_view(), name="projects_idea_detail"),
    path("ideas/<int:idea_id>/evaluation/", ideas.MyEvaluationApi.as_view(), name="projects_my_evaluation"),
    path("ideas/<int:idea_id>/data/", ideas.IdeaDataApi.as_view(), name="projects_idea_data"),
    path("ideas/<int:idea_id>/data/measure/", ideas.IdeaMeasureApi.as_view(), name="projects_idea_measure"),
]
