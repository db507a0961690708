"""A person's tag: names a signed-in person to their own browser, and names who wrote a form.

Keyed with the site's secret, it cannot be turned back into an account id. The offline script sends writing kept
on the device only while the same person is signed in; text kept across an expired session (`recovery`) is given
back only to the person whose page it was written on.
"""

from django.utils.crypto import salted_hmac

PERSON_TAG_SALT = "attune.offline.person"


def person_tag(user) -> str:
    return salted_hmac(PERSON_TAG_SALT, str(user.pk), algorithm="sha256").hexdigest()[:32]
