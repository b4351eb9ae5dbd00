"""Forms of the quiz builder pages. They parse what a browser posts into the keyword arguments
of the services in :mod:`quizapp.authoring.services`; the rules themselves live in the services."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.image_checks import CheckedImage, ImageRejected, check_image
from quizapp.authoring import services as quizzes
from quizapp.models import Question, Quiz

IMAGE_MAX_BYTES = 5_000_000
OPTION_ROWS = range(quizzes.MAX_OPTIONS)
POINT_LABELS = {
    0: gettext_lazy("No points"),
    1000: gettext_lazy("Normal (1000)"),
    2000: gettext_lazy("Double (2000)"),
}


def image_rejection_message(exc: ImageRejected) -> str:
    """A person's words for each :class:`~core.image_checks.ImageRejected` code."""
    params = exc.params
    if exc.code == "empty":
        return _("The image file is empty.")
    if exc.code == "too_large":
        return _("The image is too large: at most %(max_mb)s MB.") % {"max_mb": params.get("max_mb")}
    if exc.code == "format_not_allowed":
        return _("%(format)s images are not accepted; use %(allowed)s.") % {
            "format": params.get("format"),
            "allowed": params.get("allowed"),
        }
    if exc.code == "too_many_pixels":
        return _("The image has too many pixels: at most %(max_megapixels)s megapixels.") % {
            "max_megapixels": params.get("max_megapixels")
        }
    if exc.code == "truncated":
        return _("The image file is damaged or incomplete.")
    return _("This file is not an image (PNG, JPEG, WebP or GIF).")


class QuizSettingsForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the quiz"),
        choices=Quiz.Language.choices,
        initial=Quiz.Language.KOREAN,
    )
    speed_points = forms.BooleanField(
        label=gettext_lazy("Speed points: faster correct answers score more"), required=False, initial=True
    )
    streaks = forms.BooleanField(
        label=gettext_lazy("Streak bonus for correct answers in a row"), required=False, initial=True
    )
    ask_confidence = forms.BooleanField(
        label=gettext_lazy("Ask students how sure they are"), required=False, initial=False
    )

    @classmethod
    def for_quiz(cls, quiz: Quiz, data: Any = None) -> "QuizSettingsForm":
        return cls(data, initial={name: getattr(quiz, name) for name in cls.base_fields})


IMPORT_FORMAT_CHOICES = [
    ("", gettext_lazy("Tell from the file")),
    ("json", gettext_lazy("A2B Lab (.json)")),
    ("kahoot", gettext_lazy("Kahoot spreadsheet (.xlsx)")),
    ("gift", gettext_lazy("Moodle GIFT")),
    ("aiken", gettext_lazy("Aiken")),
]


class QuizImportForm(forms.Form):
    """A quiz file in any format :func:`~quizapp.authoring.services.quiz_import_file` reads."""

    file = forms.FileField(
        label=gettext_lazy("Quiz file"),
        help_text=gettext_lazy(
            "Exported from A2B Lab (.json), a Kahoot spreadsheet (.xlsx), Moodle GIFT (.gift, .txt) or Aiken (.txt); "
            "at most 1 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.xlsx,.gift,.txt,application/json,text/plain"}),
    )
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=IMPORT_FORMAT_CHOICES, required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the quiz"),
        help_text=gettext_lazy("For Kahoot, GIFT and Aiken files; an A2B Lab file names its own."),
        choices=Quiz.Language.choices,
        required=False,
    )
    skip_refused = forms.BooleanField(
        label=gettext_lazy("If some lines are refused, import the rest"),
        help_text=gettext_lazy("Otherwise nothing is imported until every line can be."),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.raw = b""
        #: The refused lines of the last try (``services.ImportRefused.problems``), for the page.
        self.refused: list[Any] = []
        if not self.is_bound:
            self.initial.setdefault("language", self._page_language())

    @staticmethod
    def _page_language() -> str:
        language = translation.get_language() or ""
        return language if language in Quiz.Language.values else Quiz.Language.KOREAN

    def clean_language(self) -> str:
        """Left out, the language the page is shown in."""
        return self.cleaned_data.get("language") or self._page_language()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > quizzes.IMPORT_MAX_BYTES:
            raise ValidationError(_("The file is too large: a quiz file has at most 1 MB."), code="too_large")
        self.raw = upload.read(quizzes.IMPORT_MAX_BYTES + 1)
        return upload


class QuestionForm(forms.Form):
    """One question of any kind; the fields of the other kinds are ignored.

    Options come as rows ``option_0``..``option_5`` with ``correct_<n>`` checkboxes (multiple
    choice) or none (poll); true/false has two labels and ``tf_correct`` naming the right one.
    """

    kind = forms.ChoiceField(label=gettext_lazy("Kind of question"), choices=Question.Kind.choices)
    prompt = forms.CharField(label=gettext_lazy("Question"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    tf_true_label = forms.CharField(label=gettext_lazy("First answer"), max_length=200, required=False)
    tf_false_label = forms.CharField(label=gettext_lazy("Second answer"), max_length=200, required=False)
    tf_correct = forms.ChoiceField(
        label=gettext_lazy("Correct answer"),
        choices=[("true", gettext_lazy("The first")), ("false", gettext_lazy("The second"))],
        initial="true",
        widget=forms.RadioSelect,
    )
    slider_min = forms.FloatField(label=gettext_lazy("Minimum"), required=False, initial=0)
    slider_max = forms.FloatField(label=gettext_lazy("Maximum"), required=False, initial=100)
    slider_step = forms.FloatField(label=gettext_lazy("Step"), required=False, initial=1)
    slider_answer = forms.FloatField(label=gettext_lazy("Right answer"), required=False)
    slider_margin = forms.FloatField(
        label=gettext_lazy("Margin"),
        required=False,
        initial=0,
        help_text=gettext_lazy("An answer this close to the right one counts as right (0: exactly)."),
    )
    slider_unit = forms.CharField(label=gettext_lazy("Unit (optional)"), max_length=20, required=False)
    scale_statements = forms.CharField(
        label=gettext_lazy("Statements to rate"),
        help_text=gettext_lazy("One per line, 1 to 8 (e.g. “AI will change my job”). Each is rated on the same scale."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    scale_range = forms.ChoiceField(
        label=gettext_lazy("Scale"),
        choices=[("1-5", gettext_lazy("1 to 5")), ("0-10", gettext_lazy("0 to 10"))],
        initial="1-5",
        required=False,
    )
    scale_low_label = forms.CharField(
        label=gettext_lazy("Label of the lowest number (optional)"), max_length=40, required=False
    )
    scale_high_label = forms.CharField(
        label=gettext_lazy("Label of the highest number (optional)"), max_length=40, required=False
    )
    words_per_student = forms.TypedChoiceField(
        label=gettext_lazy("Words per student"),
        choices=[(1, "1"), (2, "2"), (3, "3")],
        coerce=int,
        initial=1,
        required=False,
        help_text=gettext_lazy("Each student sends up to this many words or short phrases, at once."),
    )
    drawing_prompts = forms.CharField(
        label=gettext_lazy("Prompts to draw"),
        help_text=gettext_lazy(
            "One per line, 2 to 10 (e.g. “고양이 / cat”). Each student gets one in turn, so the classes stay "
            "balanced. Circle, square, triangle, line, cross, star, house, sun, fish and smiley face can be "
            "joined by generated doodles."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    text_labels = forms.CharField(
        label=gettext_lazy("Labels (where each sentence goes)"),
        help_text=gettext_lazy(
            "One per line, 2 to 6 (e.g. “환불 / refund”, “배송 / delivery”, “해지 / cancel”). Each student writes "
            "an example sentence for one label in turn; the class's sentences train a text classifier that routes "
            "new ones."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    ordering_items = forms.CharField(
        label=gettext_lazy("Items, in their right order"),
        help_text=gettext_lazy(
            "One per line, 3 to 6, first to last. Phones get them shuffled; students put them back in order."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    accepted_answers = forms.CharField(
        label=gettext_lazy("Accepted answers"),
        help_text=gettext_lazy("One per line. Case, spaces and accents do not matter."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    time_limit_s = forms.IntegerField(
        label=gettext_lazy("Time limit (seconds)"),
        initial=20,
        widget=forms.NumberInput(attrs={"min": quizzes.MIN_TIME_S, "max": quizzes.MAX_TIME_S, "inputmode": "numeric"}),
    )
    points = forms.TypedChoiceField(
        label=gettext_lazy("Points"),
        choices=[(p, POINT_LABELS[p]) for p in quizzes.POINT_CHOICES],
        coerce=int,
        initial=1000,
    )
    explanation = forms.CharField(
        label=gettext_lazy("Explanation (shown after the answer)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body = forms.CharField(
        label=gettext_lazy("Slide text (Markdown)"),
        help_text=gettext_lazy(
            "**bold**, *italic*, lists, tables, links; formulas in LaTeX between $ signs (e.g. $\\frac{1}{1+e^{x}}$) "
            "or $$ for a formula on its own line. HTML is shown as text."
        ),
        max_length=quizzes.MAX_SLIDE_BODY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    layout = forms.ChoiceField(
        label=gettext_lazy("Layout on the projector"),
        choices=Question.Layout.choices,
        initial=Question.Layout.TITLE_BODY,
        required=False,
    )
    notes = forms.CharField(
        label=gettext_lazy("Instructor notes (only on your console)"),
        help_text=gettext_lazy("What to say or ask here; never shown on the projector or the phones."),
        max_length=quizzes.MAX_NOTES,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    image = forms.FileField(
        label=gettext_lazy("Image (optional)"),
        help_text=gettext_lazy("PNG, JPEG, WebP or GIF, at most 5 MB."),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
    )
    remove_image = forms.BooleanField(label=gettext_lazy("Remove the image"), required=False)
    image_alt = forms.CharField(
        label=gettext_lazy("Image description (alt text)"),
        help_text=gettext_lazy("What the image shows, for students who cannot see it. Required with an image."),
        max_length=300,
        required=False,
    )
    image_decorative = forms.BooleanField(
        label=gettext_lazy("The image is decorative: it adds nothing to describe"), required=False
    )

    def __init__(self, *args: Any, quiz: Quiz, question: Question | None = None, **kwargs: Any) -> None:
        self.quiz = quiz
        self.question = question
        kwargs.setdefault("initial", self._initial(quiz, question))
        super().__init__(*args, **kwargs)
        for n in OPTION_ROWS:
            label = _("Option %(n)d") % {"n": n + 1}
            self.fields[f"option_{n}"] = forms.CharField(
                label=label, max_length=200, required=False, widget=forms.TextInput(attrs={"placeholder": label})
            )
            self.fields[f"correct_{n}"] = forms.BooleanField(label=_("Correct"), required=False)
        if question is None or not question.image:
            del self.fields["remove_image"]
        self.checked_image: CheckedImage | None = None

    @staticmethod
    def _initial(quiz: Quiz, question: Question | None) -> dict[str, Any]:
        with translation.override(quiz.language):
            labels = quizzes.true_false_options(correct=True)
        initial: dict[str, Any] = {"tf_true_label": labels[0]["text"], "tf_false_label": labels[1]["text"]}
        if question is None:
            return initial
        initial.update(
            kind=question.kind,
            prompt=question.prompt,
            time_limit_s=question.time_limit_s,
            points=question.points,
            explanation=question.explanation,
            accepted_answers="\n".join(question.accepted_answers),
            image_alt=question.image_alt,
            image_decorative=question.image_decorative,
            body=question.body,
            layout=question.layout,
            notes=question.notes,
        )
        if question.kind == Question.Kind.TRUE_FALSE and len(question.options) == 2:
            first, second = question.options
            initial.update(
                tf_true_label=first["text"],
                tf_false_label=second["text"],
                tf_correct="true" if first.get("correct") else "false",
            )
        elif question.kind == Question.Kind.SLIDER:
            numeric = question.numeric or {}
            for key in ("min", "max", "step", "answer", "margin", "unit"):
                initial[f"slider_{key}"] = numeric.get(key)
        elif question.kind == Question.Kind.SCALE:
            numeric = question.numeric or {}
            initial["scale_statements"] = "\n".join(o.get("text", "") for o in question.options)
            initial["scale_range"] = f"{numeric.get('min', 1)}-{numeric.get('max', 5)}"
            initial["scale_low_label"] = numeric.get("low_label", "")
            initial["scale_high_label"] = numeric.get("high_label", "")
        elif question.is_ordering:
            initial["ordering_items"] = "\n".join(o.get("text", "") for o in question.options)
        elif question.is_word_cloud:
            initial["words_per_student"] = question.words_per_student
        elif question.is_text_round:
            initial["text_labels"] = "\n".join(o.get("text", "") for o in question.options)
        elif question.is_drawing:
            initial["drawing_prompts"] = "\n".join(o.get("text", "") for o in question.options)
        elif question.kind != Question.Kind.SHORT_ANSWER:
            for n, option in enumerate(question.options[: quizzes.MAX_OPTIONS]):
                initial[f"option_{n}"] = option.get("text", "")
                initial[f"correct_{n}"] = bool(option.get("correct"))
        return initial

    def option_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"option_{n}"], self[f"correct_{n}"]) for n in OPTION_ROWS]

    def clean_image(self) -> Any:
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        if upload.size > IMAGE_MAX_BYTES:
            raise ValidationError(
                image_rejection_message(ImageRejected("too_large", {"max_mb": IMAGE_MAX_BYTES // 1_000_000}))
            )
        try:
            self.checked_image = check_image(upload.read(), max_bytes=IMAGE_MAX_BYTES)
        except ImageRejected as exc:
            raise ValidationError(image_rejection_message(exc), code=exc.code) from None
        return upload

    def question_fields(self) -> dict[str, Any]:
        """The keyword arguments for ``question_add`` / ``question_update`` (checked there)."""
        data = self.cleaned_data
        kind = data["kind"]
        fields: dict[str, Any] = {
            "kind": kind,
            "prompt": data["prompt"],
            "time_limit_s": data["time_limit_s"],
            "points": data["points"],
            "explanation": data["explanation"],
            "notes": data["notes"],
        }
        if kind in (Question.Kind.SLIDE, Question.Kind.CANVAS):
            fields.update(body=data["body"], layout=data["layout"] or Question.Layout.TITLE_BODY)
        elif kind == Question.Kind.TRUE_FALSE:
            with translation.override(self.quiz.language):
                fields["options"] = quizzes.true_false_options(
                    correct=data["tf_correct"] == "true",
                    true_label=data["tf_true_label"].strip(),
                    false_label=data["tf_false_label"].strip(),
                )
        elif kind == Question.Kind.SHORT_ANSWER:
            fields["accepted_answers"] = data["accepted_answers"].splitlines()
        elif kind == Question.Kind.DRAWING:
            fields["options"] = [line.strip() for line in data["drawing_prompts"].splitlines() if line.strip()]
        elif kind == Question.Kind.TEXT_ROUND:
            fields["options"] = [line.strip() for line in data["text_labels"].splitlines() if line.strip()]
        elif kind == Question.Kind.ORDERING:
            fields["options"] = [line.strip() for line in data["ordering_items"].splitlines() if line.strip()]
        elif kind == Question.Kind.SLIDER:
            fields["numeric"] = {
                key: data[f"slider_{key}"] for key in ("min", "max", "step", "answer", "margin", "unit")
            }
        elif kind == Question.Kind.SCALE:
            fields["options"] = [line.strip() for line in data["scale_statements"].splitlines() if line.strip()]
            low, _dash, high = (data.get("scale_range") or "1-5").partition("-")
            fields["scale"] = {
                "min": int(low),
                "max": int(high),
                "low_label": data["scale_low_label"],
                "high_label": data["scale_high_label"],
            }
        elif kind == Question.Kind.WORD_CLOUD:
            fields["words_per_student"] = data.get("words_per_student") or 1
        else:
            fields["options"] = [
                {"text": data[f"option_{n}"], "correct": kind == Question.Kind.MULTIPLE_CHOICE and data[f"correct_{n}"]}
                for n in OPTION_ROWS
                if data[f"option_{n}"].strip()
            ]
        return fields

    @property
    def image_change(self) -> tuple[bool, CheckedImage | None]:
        """(whether the image changes, the new image or ``None`` to remove it)."""
        if self.checked_image is not None:
            return True, self.checked_image
        return bool(self.cleaned_data.get("remove_image")), None
