from django.db import migrations, models


def mark_sessions_with_bans(apps, schema_editor):
    """Sessions that banned someone before the flag existed keep refusing those students."""
    QuizSession = apps.get_model("quizapp", "QuizSession")
    Participant = apps.get_model("quizapp", "Participant")
    banned_in = Participant.objects.filter(banned=True).values("session_id")
    QuizSession.objects.filter(id__in=banned_in).update(has_bans=True)


class Migration(migrations.Migration):
    dependencies = [
        ("quizapp", "0020_banned_in_session_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="quizsession",
            name="has_bans",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark_sessions_with_bans, migrations.RunPython.noop),
    ]
