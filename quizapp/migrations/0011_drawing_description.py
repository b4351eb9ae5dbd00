from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("quizapp", "0010_question_image_alt")]

    operations = [
        migrations.AddField(
            model_name="drawing",
            name="description",
            field=models.TextField(blank=True, default=""),
        ),
    ]
