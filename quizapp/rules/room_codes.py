"""Room codes: short, typed on a phone, read off a projector.

Codes are case-insensitive and compared on a *key* in which look-alike characters
are one (0 = O, 1 = I = L), so a student who types ``M0DULABS`` reaches ``MODULABS``
and no two rooms can differ only by a look-alike. Generated codes avoid the
look-alikes altogether.
"""

import secrets
import unicodedata

#: No 0/O, 1/I/L: what the generator draws from.
GENERATED_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GENERATED_LENGTH = 6
MIN_LENGTH = 4
MAX_LENGTH = 12
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "L": "I"})


def normalise(raw: str) -> str:
    """What a person typed, as the code is displayed: NFKC, no spaces or dashes, upper case."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(ch for ch in text if ch not in " -_\t").upper()


def is_valid(code: str) -> bool:
    """A displayable code: ASCII letters and digits, of a typeable length."""
    return MIN_LENGTH <= len(code) <= MAX_LENGTH and code.isascii() and code.isalnum()


def lookup_key(code: str) -> str:
    """The key rooms are unique on and looked up by."""
    return normalise(code).translate(_LOOKALIKES)


def generate() -> str:
    return "".join(secrets.choice(GENERATED_ALPHABET) for _ in range(GENERATED_LENGTH))
