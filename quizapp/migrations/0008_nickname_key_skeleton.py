"""Participants' nickname_key becomes the confusable skeleton (issue 13, defect 7).

Forward recomputes every key with today's :func:`quizapp.rules.nicknames.nickname_key`; where two
names already in one session now share a skeleton (Alice and a Cyrillic Аlice), the later one
keeps a key of its own (``<key>#<id>``) so the unique constraint holds and nobody is renamed.
Backward restores the former key (cleaned, NFKC, case-folded), frozen here.
"""

import unicodedata

from django.db import migrations

from quizapp.rules.nicknames import clean_nickname, nickname_key

BATCH = 2000


def _old_key(nickname):
    text = unicodedata.normalize("NFKC", clean_nickname(nickname)).casefold()
    return " ".join(unicodedata.normalize("NFKC", text).split())[:64]


def _rekey(apps, key_of):
    Participant = apps.get_model("quizapp", "Participant")
    taken = set()
    changed = []
    for participant in (
        Participant.objects.order_by("session_id", "id").only("id", "session_id", "nickname").iterator(chunk_size=BATCH)
    ):
        key = key_of(participant.nickname)
        if (participant.session_id, key) in taken:
            key = f"{key[: 64 - len(str(participant.id)) - 1]}#{participant.id}"
        taken.add((participant.session_id, key))
        participant.nickname_key = key
        changed.append(participant)
    # Two passes so no row collides with an old key on the way: first a placeholder no key
    # can hold (cleaning removes zero-width spaces).
    placeholders = [Participant(id=p.id, nickname_key=f"\u200b{p.id}") for p in changed]
    Participant.objects.bulk_update(placeholders, ["nickname_key"], batch_size=BATCH)
    Participant.objects.bulk_update(changed, ["nickname_key"], batch_size=BATCH)


def forward(apps, schema_editor):
    _rekey(apps, nickname_key)


def backward(apps, schema_editor):
    _rekey(apps, _old_key)


class Migration(migrations.Migration):
    dependencies = [("quizapp", "0007_drawing_round_curve")]

    operations = [migrations.RunPython(forward, backward)]
