"""A word cloud's instructor action: hide a word from the projector, or show it again.

The hidden words are the session's (``QuizSession.hidden_words``), per question, as word keys
(:func:`quizapp.rules.word_cloud.word_key`), so every spelling of the word goes at once and a
console or projector that reconnects gets the cloud without it. The hosts hear ``word_cloud``
with the new cloud; the phones never see the cloud (so never a hidden word).
"""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from core.ws_protocol import message
from quizapp import broadcast, errors, groups
from quizapp.rules import word_cloud
from quizapp.selectors import hidden_words, session_lock_for_host, session_questions, word_cloud_counts

#: A session keeps at most this many hidden words per question (a console cannot grow it forever).
MAX_HIDDEN = 500


@transaction.atomic
def word_set_hidden(*, session_id: int, user: User, question_id: Any, word: Any, hidden: bool) -> list[str]:
    """Hide ``word`` (any spelling of it) on the question's cloud, or show it again; returns the
    question's hidden keys."""
    session = session_lock_for_host(session_id=session_id, user=user)
    question = next((q for q in session_questions(session) if q.id == question_id), None)
    if question is None or not question.is_word_cloud:
        raise errors.NotWordCloud()
    if not isinstance(word, str) or not word.strip() or len(word) > 4 * word_cloud.MAX_CODE_POINTS:
        raise errors.WordEmpty() if isinstance(word, str) and not word.strip() else errors.InvalidState()
    key = word_cloud.key_of(word)
    if not key:
        raise errors.WordEmpty()
    keys = hidden_words(session, question)
    if hidden and key not in keys:
        if len(keys) >= MAX_HIDDEN:
            raise errors.InvalidState()
        keys.append(key)
    elif not hidden and key in keys:
        keys.remove(key)
    store = dict(session.hidden_words) if isinstance(session.hidden_words, dict) else {}
    store[str(question.id)] = keys
    session.hidden_words = store
    session.save(update_fields=["hidden_words"])
    payload = message("word_cloud", question_id=question.id, cloud=word_cloud_counts(session, question))
    broadcast.after_commit(session.id, payload, audience=groups.HOSTS)
    return keys
