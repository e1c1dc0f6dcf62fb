"""Word lists and value tests shared by the labelled-secret rules.

"The password is expired" names no password; "the password is pancakes" does. A value after a
cue is a secret unless it is one of the ordinary words people write there instead (in the
languages the cues cover), or a reference to one kept elsewhere (`${DB_PASS}`, `<password>`).
"""

from __future__ import annotations

import re

NOT_A_VALUE = frozenset("""
a an the to in on at of for and or but not no yes it its it's is was be been being will would should must can
could may might has have had same different wrong right correct incorrect invalid valid expired expiring
required optional missing empty blank set unset saved stored changed reset weak strong secure insecure long short
hidden shown encrypted hashed known unknown below above here there attached enclosed written ready done fine ok
okay good bad new old simple easy hard broken working needed necessary mandatory obsolete deprecated generated
random rotated protected sent shared included disabled enabled what which where who how why when something
nothing anything everything your my our their his her you we they i me them us one see check ask use type enter
policy policies rules requirements manager strength length complexity secret private confidential sensitive safe
unsafe compromised leaked lost forgotten null none n/a tbd todo also too very so that this still now just again
really actually case-sensitive different, same. characters chars digits letters minimum maximum least most more
less only never always sometimes usually somewhere elsewhere inside pinned unchanged updated outdated stale fixed
le la les un une des du de est et ou pas non très aussi encore toujours déjà faux vrai changé expiré
der die das ein eine ist und oder nicht kein keine noch immer schon falsch richtig geändert abgelaufen
el los las uno es y o no muy también todavía ya cambiado incorrecto correcto
il lo gli una è e non anche ancora già sbagliato
o os um uma é e não também ainda já errado het een en niet nog steeds al fout
""".split())
"""Words that follow a cue in prose without being the secret ('the password is still required')."""

ACKNOWLEDGEMENTS = frozenset("""
ok okay k kk sure yes yep yeah no nope nah idk dunno why what who hm hmm one sec sec moment wait later thanks thx
ty np lol haha same ask check sorry oops good nice cool done
""".split())
"""Short replies that answer a question about a password without giving one."""

# '!Ref', '!secret': a YAML tag names where the secret is; '!gYkr9…' is a password that starts with '!'.
_REFERENCE = re.compile(r"^(?:\$|%\(|\{|<|\*{3,}|x{3,}$|\.{3}|os\.|process\.env|env\(|getenv|![A-Za-z]+$|@Value"
                        r"|secrets\.)",
                        re.I)


def is_reference(value: str) -> bool:
    """`${DB_PASS}`, `<password>`, `***`, `os.environ[...]`: a pointer to a secret, not one."""
    return bool(_REFERENCE.match(value)) or value.lower() in ("null", "none", "true", "false", "''", '""')


def char_classes(value: str) -> int:
    """How many of lower, upper, digit and symbol (other than '_', '-', '.') occur."""
    return (any(c.islower() for c in value) + any(c.isupper() for c in value) + any(c.isdigit() for c in value)
            + any(not c.isalnum() and c not in "_-." for c in value))


def looks_like_credential(value: str) -> bool:
    """A value a SECRET/TOKEN/KEY name would hold: 8+ characters of two kinds, or 16+ of any."""
    if " " in value or "(" in value or ")" in value or is_reference(value):
        return False
    return len(value) >= 8 and char_classes(value) >= 2 or len(value) >= 16 and not value.isalpha()


def is_ordinary_word(value: str) -> bool:
    """A word from NOT_A_VALUE (case and trailing punctuation ignored)."""
    return value.lower().rstrip(".,;:!?") in NOT_A_VALUE
