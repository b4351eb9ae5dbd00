"""Workspaces (a company or a workshop), their members and invites, the ideas on the canvas and
the evaluators' scores. The scoring rules live in ``projects.rubric``; reads in ``selectors``,
writes in ``services``."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    EVALUATOR = "evaluator", _("Evaluator")
    VIEWER = "viewer", _("Viewer")


#: Roles that write ideas and score them; viewers only read.
WRITER_ROLES = frozenset({Role.OWNER, Role.EVALUATOR})
#: How much a role may do, to keep the higher one when someone joins twice.
ROLE_RANK = {Role.VIEWER: 0, Role.EVALUATOR: 1, Role.OWNER: 2}


class Workspace(models.Model):
    """Where a team (or a workshop class) collects and scores its AI project ideas."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        WORKSHOP = "workshop", _("Workshop")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPANY)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    #: A live-quiz room whose students may submit ideas here without an account.
    room = models.OneToOneField(
        "quizapp.Room",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_workspace",
        verbose_name=_("linked room"),
    )
    accepts_student_ideas = models.BooleanField(_("students in the linked room may submit ideas"), default=True)
    #: Criterion weights that differ from the rubric's defaults (``projects.rubric.clean_weights``).
    weights = models.JSONField(_("weights"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    #: The reader's role, set by the selectors that look a workspace up through its memberships.
    my_role: str

    class Meta:
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("workspace")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="project_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.EVALUATOR)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["joined_at", "id"]
        constraints = [models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_workspace")]

    def __str__(self) -> str:
        return f"{self.user} · {self.workspace} ({self.role})"


class Invite(models.Model):
    """An invite link: whoever opens it while signed in joins with its role. One live link per
    role; rotating it makes the old link stop working."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invites")
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=[(Role.EVALUATOR, Role.EVALUATOR.label), (Role.VIEWER, Role.VIEWER.label)],
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("invite link")
        verbose_name_plural = _("invite links")
        constraints = [models.UniqueConstraint(fields=["workspace", "role"], name="one_invite_per_role")]

    def __str__(self) -> str:
        return f"{self.workspace} · {self.role}"


class ValueDriver(models.TextChoices):
    LOWER_COST = "lower_cost", _("Lower cost")
    MORE_REVENUE = "more_revenue", _("More revenue")
    NEW_PRODUCT = "new_product", _("New product")
    QUALITY = "quality", _("Better quality")
    SPEED = "speed", _("More speed")


class OneSecondTest(models.TextChoices):
    YES = "yes", _("Yes: a person does it in about a second")
    NO = "no", _("No: it takes a person longer")
    UNSURE = "unsure", _("Not sure yet")


class Idea(models.Model):
    """One idea on the canvas. Text fields are what people typed; they are shown escaped."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="ideas", verbose_name=_("workspace")
    )
    title = models.CharField(_("title"), max_length=200)
    # The task, as A -> B.
    input_a = models.CharField(_("input (A)"), max_length=500, blank=True)
    output_b = models.CharField(_("output (B)"), max_length=500, blank=True)
    users = models.CharField(_("who uses it"), max_length=300, blank=True)
    pain_point = models.TextField(_("pain point"), max_length=2000, blank=True)
    value_drivers = models.JSONField(_("value drivers"), default=list, blank=True)
    # The data.
    data_source = models.TextField(_("where the A → B pairs come from"), max_length=2000, blank=True)
    examples_on_hand = models.PositiveIntegerField(_("labelled examples on hand"), null=True, blank=True)
    examples_per_month = models.PositiveIntegerField(
        _("examples that can be collected per month"), null=True, blank=True
    )
    label_cost = models.CharField(_("cost of one label"), max_length=200, blank=True)
    # Feasibility checks.
    one_second_test = models.CharField(_("one-second test"), max_length=10, choices=OneSecondTest.choices, blank=True)
    one_second_note = models.CharField(_("one-second test note"), max_length=500, blank=True)
    performance_needed = models.CharField(_("performance needed"), max_length=300, blank=True)
    #: The metric to reach (0-1, e.g. 0.95 accuracy), for a learning-curve measurement.
    performance_target = models.FloatField(
        _("target accuracy"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("Between 0 and 1: 0.95 means 95 answers right in 100."),
    )
    error_cost = models.TextField(_("cost of an error"), max_length=1000, blank=True)
    # Risks and ethics.
    risk_privacy = models.TextField(_("privacy"), max_length=1000, blank=True)
    risk_bias = models.TextField(_("bias and fairness"), max_length=1000, blank=True)
    risk_explainability = models.TextField(_("explainability"), max_length=1000, blank=True)
    risk_safety = models.TextField(_("safety"), max_length=1000, blank=True)
    # Thinking small and the long run.
    task_scope = models.TextField(_("the task, not the job"), max_length=1000, blank=True)
    virtuous_cycle = models.TextField(_("virtuous cycle"), max_length=1000, blank=True)
    # Who put it here: a member, or a student in the linked room (by nickname, no account).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_ideas",
        verbose_name=_("submitted by"),
    )
    submitted_by_nickname = models.CharField(_("student nickname"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The data-backed part: a sample of the A -> B data (an mlcore data set) and the learning curve
    # measured on it; ``selectors.idea_data_evidence`` turns them into a ``rubric.DataEvidence``.
    data_sample = models.ForeignKey(
        "mlcore.Dataset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_ideas",
        verbose_name=_("data sample"),
    )
    learning_curve = models.ForeignKey(
        "mlcore.LearningCurveJob",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_ideas",
        verbose_name=_("learning curve"),
    )

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def from_student(self) -> bool:
        return bool(self.submitted_by_nickname)

    @property
    def submitter_name(self) -> str:
        if self.submitted_by_nickname:
            return self.submitted_by_nickname
        return self.submitted_by.get_username() if self.submitted_by else ""


class Evaluation(models.Model):
    """One evaluator's 1-5 scores of an idea (``{criterion: score}``, checked by the rubric)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("idea"))
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="project_evaluations",
        verbose_name=_("evaluator"),
    )
    scores = models.JSONField(_("scores"), default=dict)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["idea", "evaluator"], name="one_evaluation_per_evaluator")]

    def __str__(self) -> str:
        return f"{self.evaluator} → {self.idea}"
