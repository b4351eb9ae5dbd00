"""Demo data of the project canvas: the lecture's examples as ideas in a workshop workspace owned
by the demo instructor, scored by two demo evaluators so that each lands where the lecture argues
(spam filtering, ad clicks, defect inspection, pedestrian detection and call routing are feasible;
the consoling bot and understanding hand gestures fail the one-second test).

Ideas are written in Korean, the workshop's language, with the English name in the title.
Everything goes through the services; loading twice creates nothing new.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib.auth.models import User

from projects import errors, services
from projects.models import Idea, Membership, Role, Workspace

DEMO_WORKSPACE = "손에 잡히는 AI 워크숍 (AI you can get your hands on)"
DEMO_DESCRIPTION = (
    "강의에 나온 예시들을 캔버스에 올렸습니다. 머신러닝으로 잘 할 수 있는 것과 비즈니스에서 가치 있는 것이 "
    "만나는 곳에 집중하세요. (The lecture's examples on the canvas.)"
)
DEMO_ROOM_CODE = "MODULABS"
#: Two colleagues who score independently (no password: they cannot log in).
EVALUATORS = (("demo-evaluator-kim", "김", "평가"), ("demo-evaluator-lee", "이", "평가"))
STUDENT_NICKNAME = "호기심 많은 수달"

CRITERIA_ORDER = (
    "one_second_task",
    "clear_a_to_b",
    "enough_data",
    "performance_reachable",
    "engineering_effort",
    "ethical_risk",
    "business_impact",
    "pain_severity",
    "frequency",
    "strategic_fit",
    "error_cost",
)


def _scores(*values: int) -> dict[str, int]:
    return dict(zip(CRITERIA_ORDER, values, strict=True))


#: (fields, (evaluator 1's scores, evaluator 2's scores), the quadrant the lecture argues for).
IDEAS: list[tuple[dict[str, Any], tuple[dict[str, int], dict[str, int]], str]] = [
    (
        {
            "title": "콜센터 문의 자동 연결 (Call-centre routing)",
            "input_a": "고객이 처음 20초 동안 하는 말",
            "output_b": "환불 / 민원 / 해지 중 연결할 부서",
            "users": "콜센터 상담원과 고객",
            "pain_point": "상담원이 용건을 듣고 부서를 찾아 돌려주느라 통화마다 1분씩 쓰고, 고객은 기다립니다.",
            "value_drivers": ["lower_cost", "speed"],
            "data_source": "지난 통화 녹취와 상담원이 실제로 연결한 부서 기록",
            "examples_on_hand": 120000,
            "examples_per_month": 30000,
            "label_cost": "이미 기록됨 (추가 비용 없음)",
            "one_second_test": "yes",
            "one_second_note": "상담원은 첫 문장을 듣자마자 부서를 압니다.",
            "performance_needed": "잘못 연결하는 통화가 20통에 1통 이하",
            "performance_target": 0.95,
            "error_cost": "잘못 연결되면 고객이 한 번 더 기다립니다. 불편하지만 위험하지는 않습니다.",
            "risk_privacy": "통화 녹취에 개인정보가 있습니다. 학습 전에 가립니다.",
            "task_scope": "상담 전체가 아니라 ‘어느 부서로 보낼까’ 하나만 자동화",
            "virtuous_cycle": "연결 결과가 그대로 새 정답 데이터가 됩니다.",
        },
        (_scores(5, 4, 5, 4, 3, 2, 4, 4, 5, 4, 2), _scores(4, 4, 4, 4, 2, 2, 4, 3, 5, 4, 2)),
        "do_now",
    ),
    (
        {
            "title": "공감하며 위로하는 상담 챗봇 (Empathetic consoling bot)",
            "input_a": "고객의 하소연",
            "output_b": "진심으로 공감하며 위로하는 답",
            "users": "화가 난 고객",
            "pain_point": "불만 고객을 달래는 일은 상담원에게 가장 힘든 일입니다.",
            "value_drivers": ["quality", "lower_cost"],
            "data_source": "좋은 위로의 정답 데이터가 거의 없습니다.",
            "examples_on_hand": 200,
            "label_cost": "숙련 상담원이 대화마다 몇 분",
            "one_second_test": "no",
            "one_second_note": "공감은 1초 만에 끝나는 일이 아닙니다. 같은 정중한 답만 되풀이하는 챗봇이 됩니다.",
            "performance_needed": "사람 상담원만큼 진심으로 느껴질 것",
            "error_cost": "엉뚱한 위로는 고객을 더 화나게 합니다.",
            "risk_explainability": "왜 그렇게 답했는지 설명하기 어렵습니다.",
            "risk_safety": "위기에 처한 고객에게 잘못 답하면 해가 될 수 있습니다.",
            "task_scope": "위로 전체 대신 ‘화난 고객을 숙련 상담원에게 먼저 연결’하는 작은 일부터",
        },
        (_scores(1, 1, 2, 1, 5, 4, 4, 4, 4, 4, 4), _scores(1, 2, 1, 1, 5, 5, 5, 4, 4, 3, 4)),
        "invest",
    ),
    (
        {
            "title": "보행자 검출 (Pedestrian detection)",
            "input_a": "카메라 영상과 레이더 정보",
            "output_b": "보행자의 위치",
            "users": "자율주행차",
            "pain_point": "보행자를 놓치면 사고로 이어집니다.",
            "value_drivers": ["new_product", "quality"],
            "data_source": "주행 영상에 사람이 표시한 보행자 상자",
            "examples_on_hand": 500000,
            "examples_per_month": 100000,
            "label_cost": "영상 한 장에 몇 초",
            "one_second_test": "yes",
            "one_second_note": "사람은 영상에서 보행자를 순식간에 찾습니다.",
            "performance_needed": "거의 놓치지 않을 것",
            "performance_target": 0.999,
            "error_cost": "놓치면 생명이 위험합니다.",
            "risk_bias": "어두운 옷, 어린이, 휠체어 이용자도 똑같이 찾아야 합니다.",
            "risk_safety": "안전이 가장 중요한 시스템입니다.",
            "virtuous_cycle": "달리는 차가 많을수록 드문 장면 데이터가 쌓입니다.",
        },
        (_scores(5, 5, 4, 4, 4, 4, 5, 4, 5, 5, 5), _scores(5, 5, 5, 4, 4, 4, 5, 5, 5, 5, 5)),
        "do_now",
    ),
    (
        {
            "title": "손짓 이해하기 (Understanding hand gestures)",
            "input_a": "도로 옆 사람의 손짓 영상",
            "output_b": "‘멈춰요’, ‘태워 주세요’, ‘저리 가요’ 같은 뜻",
            "users": "자율주행차",
            "pain_point": "사람의 손짓을 못 알아들으면 차가 멈춰 서거나 위험하게 움직입니다.",
            "value_drivers": ["new_product", "quality"],
            "data_source": "손짓과 그 뜻을 짝지은 데이터가 거의 없습니다.",
            "examples_on_hand": 800,
            "one_second_test": "no",
            "one_second_note": "손짓은 사람마다 다르고 뜻이 상황에 달려 있어 사람도 잠깐 생각해야 합니다.",
            "performance_needed": "안전할 만큼 정확할 것",
            "error_cost": "뜻을 잘못 알면 사고가 날 수 있습니다.",
            "risk_safety": "안전에 중요한데 데이터는 적습니다.",
            "task_scope": "모든 손짓 대신 교통 경찰의 ‘멈춤’ 신호 하나부터",
        },
        (_scores(2, 1, 2, 2, 4, 4, 4, 4, 2, 4, 5), _scores(2, 2, 1, 2, 5, 4, 4, 4, 2, 4, 5)),
        "invest",
    ),
    (
        {
            "title": "휴대폰 외관 불량 검사 (Phone defect inspection)",
            "input_a": "생산 라인에서 찍은 휴대폰 사진",
            "output_b": "흠집·찍힘 불량인지 아닌지",
            "users": "품질 검사원",
            "pain_point": "검사원이 하루 수천 대를 눈으로 보느라 지치고, 놓치는 불량이 생깁니다.",
            "value_drivers": ["quality", "lower_cost", "speed"],
            "data_source": "검사원의 합격/불합격 판정 기록과 사진",
            "examples_on_hand": 40000,
            "examples_per_month": 60000,
            "label_cost": "검사원 판정 그대로 (1장에 1초)",
            "one_second_test": "yes",
            "one_second_note": "검사원은 사진 한 장을 1초 안에 판정합니다.",
            "performance_needed": "불량을 100개 중 1개 이하로 놓칠 것",
            "performance_target": 0.99,
            "error_cost": "불량이 고객에게 가면 반품과 평판 손실이 생깁니다.",
            "task_scope": "검사 전체가 아니라 외관 사진 판정 하나",
            "virtuous_cycle": "검사원이 모델의 판정을 고칠 때마다 데이터가 늘어납니다.",
        },
        (_scores(5, 5, 4, 4, 3, 1, 5, 4, 5, 5, 3), _scores(5, 4, 3, 4, 3, 1, 4, 4, 5, 4, 3)),
        "do_now",
    ),
    (
        {
            "title": "스팸 메일 분류 (Spam filtering)",
            "input_a": "이메일",
            "output_b": "스팸인지 아닌지",
            "users": "전 직원",
            "pain_point": "스팸을 지우는 데 하루 몇 분씩 씁니다.",
            "value_drivers": ["speed"],
            "data_source": "직원들이 누른 ‘스팸 신고’ 버튼",
            "examples_on_hand": 1000000,
            "examples_per_month": 50000,
            "label_cost": "없음 (신고 버튼)",
            "one_second_test": "yes",
            "performance_needed": "정상 메일을 스팸으로 보내는 일이 거의 없을 것",
            "error_cost": "정상 메일을 놓치면 곤란하지만 스팸함에서 찾을 수 있습니다.",
            "virtuous_cycle": "신고가 쌓일수록 정확해집니다.",
        },
        (_scores(5, 5, 5, 5, 1, 1, 1, 2, 5, 1, 2), _scores(5, 5, 5, 5, 2, 1, 4, 2, 5, 2, 2)),
        "quick_win",
    ),
    (
        {
            "title": "광고 클릭 예측 (Ad-click prediction)",
            "input_a": "광고와 사용자 정보",
            "output_b": "사용자가 광고를 클릭할지",
            "users": "광고 플랫폼",
            "pain_point": "관심 없는 광고는 돈을 낭비하고 사용자를 귀찮게 합니다.",
            "value_drivers": ["more_revenue"],
            "data_source": "노출과 클릭 기록 (매일 자동으로 쌓임)",
            "examples_on_hand": 10000000,
            "examples_per_month": 3000000,
            "label_cost": "없음 (클릭 기록이 정답)",
            "one_second_test": "unsure",
            "performance_needed": "지금 규칙보다 클릭률을 높일 것",
            "error_cost": "틀리면 광고 한 번이 낭비됩니다.",
            "risk_privacy": "사용자 정보 활용에 동의가 필요합니다.",
            "risk_bias": "특정 집단에만 광고가 몰리지 않게 봅니다.",
            "virtuous_cycle": "더 맞는 광고 → 더 많은 클릭 → 더 많은 데이터",
        },
        (_scores(3, 5, 5, 4, 3, 3, 5, 3, 5, 4, 1), _scores(4, 5, 5, 3, 3, 2, 4, 3, 5, 5, 1)),
        "do_now",
    ),
]

STUDENT_IDEA = {
    "title": "영수증 사진 → 지출 항목 (Receipt photo → expense category)",
    "input_a": "영수증 사진",
    "output_b": "식비 / 교통비 / 소모품 같은 지출 항목",
    "users": "회계 담당자",
    "pain_point": "영수증을 하나하나 입력하느라 월말마다 야근합니다.",
}


def _workspace(instructor: User) -> tuple[Workspace, bool]:
    workspace = Workspace.objects.filter(
        name=DEMO_WORKSPACE, memberships__user=instructor, memberships__role=Role.OWNER
    ).first()
    if workspace is not None:
        return workspace, False
    return services.workspace_create(
        user=instructor, name=DEMO_WORKSPACE, kind=Workspace.Kind.WORKSHOP, description=DEMO_DESCRIPTION
    ), True


def _evaluators(workspace: Workspace, instructor: User) -> list[User]:
    people = []
    for username, last, first in EVALUATORS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=None, first_name=first, last_name=last)
        people.append(user)
    missing = [u for u in people if not Membership.objects.filter(workspace=workspace, user=u).exists()]
    if missing:
        invite = services.invite_rotate(workspace=workspace, user=instructor, role=Role.EVALUATOR)
        for user in missing:
            services.invite_accept(invite=invite, user=user)
        services.invite_revoke(workspace=workspace, user=instructor, role=Role.EVALUATOR)
    return people


def load(*, instructor: User) -> list[str]:
    created: list[str] = []
    workspace, is_new = _workspace(instructor)
    if is_new:
        created.append(f"project workspace “{workspace.name}”")
    if workspace.room_id is None and not Workspace.objects.filter(room__code=DEMO_ROOM_CODE).exists():
        # Without the demo room (or when it is not the instructor's) students' ideas stay off.
        with contextlib.suppress(errors.ProjectError):
            services.workspace_link_room(workspace=workspace, user=instructor, code=DEMO_ROOM_CODE)
    evaluators = _evaluators(workspace, instructor)
    new_ideas = 0
    for fields, scores, _quadrant in IDEAS:
        idea = Idea.objects.filter(workspace=workspace, title=fields["title"]).first()
        if idea is None:
            idea = services.idea_create(workspace=workspace, user=instructor, **fields)
            new_ideas += 1
        for evaluator, evaluator_scores in zip(evaluators, scores, strict=True):
            if not idea.evaluations.filter(evaluator=evaluator).exists():
                services.evaluation_upsert(idea=idea, user=evaluator, scores=evaluator_scores)
    if workspace.room_id and not Idea.objects.filter(workspace=workspace, title=STUDENT_IDEA["title"]).exists():
        try:
            services.student_idea_submit(workspace=workspace, nickname=STUDENT_NICKNAME, address="demo", **STUDENT_IDEA)
            new_ideas += 1
        except errors.ProjectError:
            pass
    if new_ideas:
        created.append(f"{new_ideas} project ideas")
    return created
