"""Forms of the canvas pages. They parse and explain; the services decide and write."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects import rubric
from projects.criteria_text import AXIS_LABELS, TEXT
from projects.models import Idea, OneSecondTest, Role, ValueDriver, Workspace
from projects.services import IDEA_FIELDS
from quizapp.rules import room_codes


class WorkspaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Workspace.Kind.choices,
        initial=Workspace.Kind.COMPANY,
        help_text=_("A company evaluates its own ideas; a workshop collects ideas from a class."),
    )
    description = forms.CharField(
        label=_("Description"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WorkspaceSettingsForm(WorkspaceForm):
    accepts_student_ideas = forms.BooleanField(label=_("Students in the linked room may submit ideas"), required=False)


class RoomLinkForm(forms.Form):
    code = forms.CharField(
        label=_("Room code"),
        max_length=40,
        required=False,
        help_text=_("One of your quiz rooms. Its students can then send ideas here without an account. Empty: unlink."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


# --------------------------------------------------------------------------- the canvas

#: The canvas in sections, as the lecture walks through a project (title, introduction, fields).
CANVAS_SECTIONS: list[tuple[Any, Any, tuple[str, ...]]] = [
    (
        _("The task: A → B"),
        _(
            "Supervised learning maps an input A to an output B: an email to spam or not, a photo of a phone "
            "to defect or not. Start from a pain point in your business."
        ),
        ("title", "input_a", "output_b", "users", "pain_point", "value_drivers"),
    ),
    (
        _("Think small: a task, not a job"),
        _(
            "Automate tasks, not jobs. Anything a person can do with about a second of thought is very likely "
            "to be automatable; longer judgement is much harder."
        ),
        ("task_scope", "one_second_test", "one_second_note"),
    ),
    (
        _("The data"),
        _(
            "A good ML project has lots of A → B examples; a hard one has little data and a hard concept to "
            "learn. Where do the labelled pairs come from, and how many are there?"
        ),
        ("data_source", "examples_on_hand", "examples_per_month", "label_cost"),
    ),
    (
        _("Performance and errors"),
        _("How good must it be to be useful, and what does a wrong answer cost?"),
        ("performance_needed", "performance_target", "error_cost"),
    ),
    (
        _("Risks and ethics"),
        _("Who could be harmed, and how would you know? Think before you build."),
        ("risk_privacy", "risk_bias", "risk_explainability", "risk_safety"),
    ),
    (
        _("The long run"),
        _(
            "The virtuous cycle of AI: a better product brings more users, more users bring more data, and "
            "more data makes the product better (as for web search)."
        ),
        ("virtuous_cycle",),
    ),
]

IDEA_HELP = {
    "title": _("A short name people will recognise, e.g. “Route customer calls”."),
    "input_a": _("What goes in, e.g. “what the customer says in the first 20 seconds of the call”."),
    "output_b": _("What comes out, e.g. “refunds, complaints or cancellations”."),
    "users": _("Who uses the answer: a team, a role, customers."),
    "pain_point": _("What hurts today, and how much (time, money, errors, waiting)."),
    "value_drivers": _("How it creates value; choose all that apply."),
    "task_scope": _("The one task inside the job that the model would do, e.g. “route the call”, not “be the agent”."),
    "one_second_test": _("Could a person give B from A with about a second of thought? Try it on 20 examples."),
    "one_second_note": _("What you tried and what you saw."),
    "data_source": _("Logs, past decisions, labels people already make, a public data set..."),
    "examples_on_hand": _("Labelled A → B pairs you have today."),
    "examples_per_month": _("How many more you could label or collect each month."),
    "label_cost": _("Time or money per label, e.g. “10 seconds of an inspector”."),
    "performance_needed": _("In words, e.g. “as good as a new agent”, “fewer than 1 in 100 defects missed”."),
    "error_cost": _("What happens when it is wrong, and who notices."),
    "risk_privacy": _("Personal data involved, consent, retention."),
    "risk_bias": _("Could it treat groups of people differently?"),
    "risk_explainability": _("Must someone be able to explain each answer?"),
    "risk_safety": _("Could a wrong answer hurt someone?"),
    "virtuous_cycle": _("Would using it produce more A → B data that makes it better?"),
}


class IdeaForm(forms.ModelForm):
    value_drivers = forms.MultipleChoiceField(
        label=_("Value drivers"),
        choices=ValueDriver.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Idea
        fields = IDEA_FIELDS
        widgets = {
            "pain_point": forms.Textarea(attrs={"rows": 3}),
            "data_source": forms.Textarea(attrs={"rows": 2}),
            "error_cost": forms.Textarea(attrs={"rows": 2}),
            "risk_privacy": forms.Textarea(attrs={"rows": 2}),
            "risk_bias": forms.Textarea(attrs={"rows": 2}),
            "risk_explainability": forms.Textarea(attrs={"rows": 2}),
            "risk_safety": forms.Textarea(attrs={"rows": 2}),
            "task_scope": forms.Textarea(attrs={"rows": 2}),
            "virtuous_cycle": forms.Textarea(attrs={"rows": 2}),
            "one_second_test": forms.RadioSelect,
            "performance_target": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, text in IDEA_HELP.items():
            self.fields[name].help_text = text
        one_second_test = self.fields["one_second_test"]
        if isinstance(one_second_test, forms.ChoiceField):  # it is: the model field has choices
            one_second_test.choices = [("", _("Not done yet")), *OneSecondTest.choices]
        self.fields["title"].widget.attrs["autofocus"] = True

    def sections(self) -> Iterator[dict[str, Any]]:
        for title, intro, names in CANVAS_SECTIONS:
            yield {"title": title, "intro": intro, "fields": [self[name] for name in names]}

    def idea_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in IDEA_FIELDS}


# --------------------------------------------------------------------------- scores and weights

SCORE_CHOICES = [("", _("Skip")), *[(str(n), str(n)) for n in range(rubric.SCORE_MIN, rubric.SCORE_MAX + 1)]]


class EvaluationForm(forms.Form):
    """One 1-5 choice per criterion (or skip), grouped by axis, and a comment."""

    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why you scored it so: helps when evaluators disagree."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for c in rubric.CRITERIA:
            self.fields[f"c_{c.key}"] = forms.TypedChoiceField(
                label=TEXT[c.key].label,
                help_text=TEXT[c.key].question,
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )

    @classmethod
    def for_evaluation(cls, evaluation: Any) -> EvaluationForm:
        if evaluation is None:
            return cls()
        initial = {f"c_{key}": str(value) for key, value in evaluation.scores.items()}
        return cls(initial={**initial, "comment": evaluation.comment})

    def axes(self) -> Iterator[dict[str, Any]]:
        for axis in rubric.AXES:
            yield {
                "key": axis,
                "label": AXIS_LABELS[axis],
                "criteria": [
                    {"field": self[f"c_{c.key}"], "criterion": c, "text": TEXT[c.key]}
                    for c in rubric.CRITERIA
                    if c.axis == axis
                ],
            }

    def scores(self) -> dict[str, int | None]:
        return {c.key: self.cleaned_data.get(f"c_{c.key}") for c in rubric.CRITERIA}


class WeightsForm(forms.Form):
    def __init__(self, *args: Any, weights: dict[str, float], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for c in rubric.CRITERIA:
            self.fields[f"w_{c.key}"] = forms.FloatField(
                label=TEXT[c.key].label,
                help_text=TEXT[c.key].question,
                min_value=0,
                max_value=rubric.MAX_WEIGHT,
                initial=weights[c.key],
                widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": str(int(rubric.MAX_WEIGHT))}),
            )

    def axes(self) -> Iterator[dict[str, Any]]:
        for axis in rubric.AXES:
            yield {
                "key": axis,
                "label": AXIS_LABELS[axis],
                "rows": [(self[f"w_{c.key}"], c) for c in rubric.CRITERIA if c.axis == axis],
            }

    def weights(self) -> dict[str, float]:
        return {c.key: self.cleaned_data[f"w_{c.key}"] for c in rubric.CRITERIA}


# --------------------------------------------------------------------------- students


class SubmitCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Room code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self) -> str:
        code = room_codes.normalise(self.cleaned_data["code"])
        if not room_codes.is_valid(code):
            raise forms.ValidationError(_("A room code has 4 to 12 letters or digits."))
        return code


class StudentIdeaForm(forms.Form):
    nickname = forms.CharField(label=_("Your nickname"), max_length=64)
    title = forms.CharField(label=_("Your idea in a few words"), max_length=200)
    input_a = forms.CharField(
        label=_("Input (A)"), max_length=500, help_text=_("What goes in, e.g. “a photo of a phone”.")
    )
    output_b = forms.CharField(
        label=_("Output (B)"), max_length=500, help_text=_("What comes out, e.g. “defect or not”.")
    )
    users = forms.CharField(label=_("Who would use it?"), max_length=300, required=False)
    pain_point = forms.CharField(
        label=_("What problem does it solve?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def idea_fields(self) -> dict[str, str]:
        return {k: self.cleaned_data[k] for k in ("title", "input_a", "output_b", "users", "pain_point")}


#: A sample, not the whole data: enough for a learning curve, small enough to upload from a browser.
DATA_SAMPLE_MAX_BYTES = 50_000_000


class DataSampleForm(forms.Form):
    """A sample of the idea's A -> B data: a CSV table or a zip with one folder of images per class."""

    file = forms.FileField(
        label=_("Data sample"),
        help_text=_(
            "A CSV table (one row per example, the answer B in one column) or a zip with one folder of "
            "images per class (cat/1.png, dog/2.png). At most 50 MB."
        ),
    )
    answer_column = forms.CharField(
        label=_("Answer column (B), for a CSV"),
        help_text=_("Leave empty to use the last column."),
        max_length=200,
        required=False,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > DATA_SAMPLE_MAX_BYTES:
            raise forms.ValidationError(
                gettext("The sample is larger than %(max)s MB: upload a smaller sample.")
                % {"max": DATA_SAMPLE_MAX_BYTES // 1_000_000},
                code="too_large",
            )
        return upload
