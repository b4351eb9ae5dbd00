from django import forms
from django.utils.translation import gettext_lazy as _

from quizapp.models import Question, QuizSession
from quizapp.rules import room_codes


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Room code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "inputmode": "text"}),
    )

    def clean_code(self) -> str:
        code = room_codes.normalise(self.cleaned_data["code"])
        if not room_codes.is_valid(code):
            raise forms.ValidationError(_("A room code has 4 to 12 letters or digits."))
        return code


class RoomCreateForm(forms.Form):
    code = forms.CharField(
        label=_("Room code"),
        max_length=room_codes.MAX_LENGTH,
        required=False,
        help_text=_("Leave empty to generate one."),
    )
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    max_participants = forms.IntegerField(
        label=_("Maximum participants"), min_value=1, max_value=20000, initial=5000, required=False
    )


class LaunchForm(forms.Form):
    quiz = forms.TypedChoiceField(label=_("Quiz"), coerce=int)
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=[
            (QuizSession.Mode.INSTRUCTOR_PACED, _("Instructor-paced")),
            (QuizSession.Mode.STUDENT_PACED, _("Student-paced")),
        ],
    )

    team_count = forms.TypedChoiceField(
        label=_("Teams"),
        coerce=int,
        initial=0,
        required=False,
        empty_value=0,
        choices=[(0, _("No teams"))] + [(n, _("%(n)d teams (Space Race)") % {"n": n}) for n in (2, 3, 4, 5, 6)],
    )
    friendly_nicknames = forms.BooleanField(
        label=_("Friendly nicknames: students get a generated one (for young classes)"), required=False
    )

    def __init__(self, *args, quizzes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quiz"].choices = [(q.id, q.title) for q in quizzes]


class QuickQuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Question.Kind.TRUE_FALSE, _("True / false")),
            (Question.Kind.MULTIPLE_CHOICE, _("Multiple choice")),
            (Question.Kind.SHORT_ANSWER, _("Short answer")),
        ],
    )
    prompt = forms.CharField(label=_("Question"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    options = forms.CharField(
        label=_("Options (one per line; mark correct ones with *)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("True / false: leave empty for 가능 / 불가능 with the first correct."),
    )
    accepted = forms.CharField(
        label=_("Accepted answers (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
