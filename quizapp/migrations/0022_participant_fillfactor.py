"""Room on each page of the students' table for their rows' next versions (PostgreSQL only).

Every answer batch updates its students' score and streak. On full pages PostgreSQL writes the new
version on another page and adds it to all six of the table's indexes (a third of a 10,000-student
session's updates, 19 buffers each); with 30 % of each page left free the update stays on its
page and touches no index (a heap-only tuple): 4,203 → 1,035 buffers and 5.1 → 2.3 ms for a batch of
200 (docs/operations.md). Rows a session adds after this migration are laid out so; older ones are
when their table is next rewritten.
"""

from django.db import migrations

FILLFACTOR = 70


def _alter(apps, schema_editor, setting: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("quizapp", "Participant")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} {setting}")


def leave_room(apps, schema_editor):
    _alter(apps, schema_editor, f"SET (fillfactor = {FILLFACTOR})")


def fill_pages(apps, schema_editor):
    _alter(apps, schema_editor, "RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("quizapp", "0021_session_has_bans"),
    ]

    operations = [migrations.RunPython(leave_room, fill_pages)]
