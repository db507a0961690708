"""A full account: every kind of record that carries a person's text, for tests that walk every page.

Each text holds a made-up word (`WORDS`) found nowhere else on the site, so a test can tell that a page
showed the text itself. Records are made with tests/factories.py where it has a helper and through the
app's own services otherwise.
"""

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from fido2.cose import ES256
from fido2.utils import websafe_encode
from fido2.webauthn import Aaguid, AttestationObject, AttestedCredentialData, AuthenticatorData

from journal.models import Prompt, PushSubscription, Reminder
from needs.models.needs import CatalogueNeed
from needs.models.sharing import Answer, SharedNeed
from needs.services.accounts import local_today
from needs.services.relationships import pause_plan_save, relationship_ratings_save
from needs.services.sharing import (
    invitation_create,
    love_profile_save,
    partner_answer_save,
    partner_share_set,
)
from tests.factories import (
    make_card,
    make_checkin,
    make_connection,
    make_draft,
    make_import_job,
    make_need,
    make_personal_prompt,
    make_reflection,
    make_relationship,
    make_statement,
)

# One made-up word per kind of text: each appears in that text only.
WORDS = {
    "met": "Zorblemet",
    "helps": "Zorblehelps",
    "note": "Zorblenote",
    "today_note": "Zorbletoday",
    "title": "Zorbletitle",
    "body": "Zorblebody",
    "personal_title": "Zorbleanswer",
    "personal_body": "Zorbleown",
    "year_ago": "Zorbleyear",
    "trashed": "Zorbletrash",
    "draft": "Zorbledraft",
    "edit_draft": "Zorblechange",
    "prompt": "Zorbleask",
    "statement": "Zorblestate",
    "loved": "Zorbleloved",
    "card": "Zorblecard",
    "nickname": "Zorblefriend",
    "pause": "Zorblepause",
    "answer": "Zorblereply",
    "bob_statement": "Zorblebobstate",
    "bob_answer": "Zorblebobreply",
    "archived": "Zorbleshelved",
    "spare": "Zorblespare",
    "import_reason": "Zorbleimported",
}


@dataclass
class Account:
    """Alice's full account and the objects each URL of the site is filled with."""

    objects: dict = field(default_factory=dict)
    card_token: str = ""
    invitation_code: str = ""
    bobs_invitation_code: str = ""

    def __getitem__(self, name):
        return self.objects[name]


def _days(today: dt.date, back: int) -> dt.date:
    return today - dt.timedelta(days=back)


def _passkey(user) -> Authenticator:
    """A security key as allauth stores one after registering it: a credential with its public key."""
    credential_id = os.urandom(16)
    public_key = ES256.from_cryptography_key(ec.generate_private_key(ec.SECP256R1()).public_key())
    auth_data = AuthenticatorData.create(
        hashlib.sha256(b"localhost").digest(),
        AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.AT,
        0,
        AttestedCredentialData.create(Aaguid.NONE, credential_id, public_key),
    )
    client_data = {
        "type": "webauthn.create",
        "challenge": websafe_encode(b"test"),
        "origin": "http://localhost",
    }
    credential = {
        "id": websafe_encode(credential_id),
        "rawId": websafe_encode(credential_id),
        "type": "public-key",
        "response": {
            "clientDataJSON": websafe_encode(json.dumps(client_data).encode()),
            "attestationObject": websafe_encode(bytes(AttestationObject.create("none", auth_data, {}))),
        },
        "clientExtensionResults": {},
    }
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Laptop key", "credential": credential}
    )


def _needs_and_checkins(alice, today: dt.date) -> dict:
    rest = make_need(
        alice, "Rest", "physical", 5, met=f"{WORDS['met']} rested", helps=f"{WORDS['helps']} naps"
    )
    heard = make_need(alice, "Being heard", "emotional", 4, met="someone listens")
    archived = make_need(alice, "Old habit", "mental", 2, met=f"{WORDS['archived']} once")
    archived.archived_at = timezone.now() - dt.timedelta(days=3)
    archived.save()
    spare = make_need(alice, "Spare", "spiritual", 1, met=f"{WORDS['spare']} quiet")
    checkins = {}
    for back in range(60):
        note = f"{WORDS['note']} day {back}" if back % 3 == 1 else ""
        checkins[back] = make_checkin(alice, rest, _days(today, back), 2 + back % 3, note=note)
        make_checkin(alice, heard, _days(today, back), 6 + back % 4)
        make_checkin(alice, archived, _days(today, back + 10), 5)
    today_checkin = checkins[0]
    today_checkin.seal("note", f"{WORDS['today_note']} morning", owner=alice)
    today_checkin.save()
    return {"need": rest, "heard": heard, "archived": archived, "spare_need": spare, "checkin": checkins[1]}


def _journal(alice, today: dt.date, needs: dict) -> dict:
    staff_prompt = Prompt.objects.filter(is_active=True).order_by("slug").first()
    personal = make_personal_prompt(alice, f"{WORDS['prompt']} what do I need?", step="honesty")
    reflection = make_reflection(
        alice,
        title=f"{WORDS['title']} walk",
        body=f"{WORDS['body']} by the river, **slowly**.",
        date=_days(today, 1),
        needs=[needs["need"], needs["heard"]],
        prompt=staff_prompt,
        anxiety=3,
        confidence=7,
    )
    answered = make_reflection(
        alice,
        title=f"{WORDS['personal_title']} question",
        body=f"{WORDS['personal_body']} answer to my own question.",
        date=_days(today, 3),
        needs=[needs["need"]],
        personal_prompt=personal,
        anxiety=6,
        confidence=4,
    )
    year_ago = make_reflection(
        alice, title=f"{WORDS['year_ago']} then", body="A year back.", date=_days(today, 365)
    )
    trashed = make_reflection(
        alice, title=f"{WORDS['trashed']} gone", body="Thrown away words.", date=_days(today, 2), trashed=True
    )
    trashed_too = make_reflection(alice, title="Also gone", body="More thrown away.", trashed=True)
    spare = make_reflection(
        alice, title="Spare entry", body="To be moved to the trash.", date=_days(today, 5)
    )
    draft = make_draft(alice, {"title": [f"{WORDS['draft']} start"], "body": [f"{WORDS['draft']} unsaved"]})
    edit_draft = make_draft(
        alice, {"title": ["Walk"], "body": [f"{WORDS['edit_draft']} later"]}, reflection=reflection
    )
    return {
        "import_job": make_import_job(alice, reason=f"title: {WORDS['import_reason']} is too long"),
        "push_device": PushSubscription.objects.create(
            owner=alice,
            endpoint="https://fcm.googleapis.com/fcm/send/full",
            p256dh="x",
            auth="y",
            device_label="Chrome on Android",
        ),
        "reflection": reflection,
        "answered": answered,
        "year_ago": year_ago,
        "trashed": trashed,
        "trashed_too": trashed_too,
        "spare_reflection": spare,
        "draft": draft,
        "edit_draft": edit_draft,
        "personal_prompt": personal,
        "spare_prompt": make_personal_prompt(alice, "A question to delete?"),
        "staff_prompt": staff_prompt,
    }


def _sharing(alice, bob, needs: dict) -> dict:
    statement = make_statement(alice, needs["need"], WORDS["statement"])
    loved = love_profile_save(user=alice, text=f"{WORDS['loved']} with time together", needs=[needs["heard"]])
    card = make_card(
        alice,
        [needs["need"], needs["heard"]],
        label=f"{WORDS['card']} for my sister",
        statements=[statement],
        include_profile=True,
        include_scores=True,
    )
    spare_card = make_card(alice, [needs["heard"]], label="A card to revoke")
    connection = make_connection(alice, bob)
    bobs_need = make_need(bob, "Bob's quiet", "mental", 4, met="bob's own words")
    bobs_statement = make_statement(bob, bobs_need, WORDS["bob_statement"])
    partner_share_set(user=alice, connection=connection, needs=[needs["need"]], statements=[statement])
    partner_share_set(user=bob, connection=connection, needs=[bobs_need], statements=[bobs_statement])
    mine = SharedNeed.objects.get(connection=connection, owner=alice)
    shared = SharedNeed.objects.get(connection=connection, owner=bob)
    partner_answer_save(user=alice, shared=shared, kind=Answer.OFFER, note=f"{WORDS['answer']} I can help")
    partner_answer_save(user=bob, shared=mine, kind=Answer.MORE, note=f"{WORDS['bob_answer']} tell me more")
    return {
        "statement": statement,
        "love_profile": loved,
        "card": card,
        "spare_card": spare_card,
        "connection": connection,
        "shared": shared,
        "mine_shared": mine,
    }


def _relationships(alice, today: dt.date, needs: dict) -> dict:
    relationship = make_relationship(alice, f"{WORDS['nickname']} Sam", kind="friend")
    # The important need stayed low with them for over a month: the page shows the stepping-back sections.
    pairs = ((needs["need"], 2), (needs["heard"], 7))
    ratings = [(need, _days(today, back), score) for back in range(40) for need, score in pairs]
    relationship_ratings_save(user=alice, relationship=relationship, ratings=ratings)
    pause_plan_save(
        user=alice,
        relationship=relationship,
        what_must_change=f"{WORDS['pause']} more listening",
        check_back_on=today + dt.timedelta(days=30),
    )
    return {"relationship": relationship, "spare_relationship": make_relationship(alice, "Someone to remove")}


def build_full_account(alice, bob, staff) -> Account:
    """Alice's account with every kind of text; bob is her partner; `staff` curates (for the admin pages)."""
    call_command("load_starter_content", verbosity=0)
    today = local_today(alice)
    Reminder.objects.create(owner=alice, daily_enabled=True, daily_time=dt.time(21, 0), time_zone="UTC")
    needs = _needs_and_checkins(alice, today)
    account = Account(
        objects={
            **needs,
            **_journal(alice, today, needs),
            **_sharing(alice, bob, needs),
            **_relationships(alice, today, needs),
            "alice": alice,
            "bob": bob,
            "staff": staff,
            "group": Group.objects.create(name="Curators"),
            "catalogue_need": CatalogueNeed.objects.order_by("slug").first(),
            "passkey": _passkey(alice),
            "today": today,
        }
    )
    account.card_token = account["card"].plain_token
    account.invitation_code = invitation_create(user=alice).reveal("code", owner=alice)
    account.bobs_invitation_code = invitation_create(user=bob).reveal("code", owner=bob)
    return account
