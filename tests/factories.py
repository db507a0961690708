"""Small helpers that build owned data for tests, through the same code paths the app uses."""

import datetime as dt
import threading

from django.db import connection

from needs.models.needs import Category, CheckIn, Need
from needs.services.derived import checkins_changed, checkins_rebuild


def make_need(
    owner, name="Restful sleep", category=Category.PHYSICAL, importance=3, met="", helps=""
) -> Need:
    need = Need(owner=owner, name=name, category=category, importance=importance)
    need.seal("met_looks_like", met, owner=owner)
    need.seal("what_helps", helps, owner=owner)
    need.save()
    return need


def make_checkin(owner, need, date: dt.date, score: int, note: str = "") -> CheckIn:
    checkin = CheckIn(owner=owner, need=need, date=date, score=score)
    checkin.seal("note", note, owner=owner)
    checkin.save()
    checkins_changed(owner_id=owner.pk, dates=[date])
    return checkin


def make_history(owner, *, needs: int, days: int, today: dt.date, note_every: int = 0) -> list[Need]:
    """`needs` needs across the four categories with a daily check-in each for `days` days."""
    categories = list(Category.values)
    made = [
        make_need(owner, f"Need {i:02d}", categories[i % 4], importance=1 + i % 5, met=f"met {i}")
        for i in range(needs)
    ]
    rows = []
    for index, need in enumerate(made):
        for back in range(days):
            checkin = CheckIn(
                owner=owner, need=need, date=today - dt.timedelta(days=back), score=(index + back) % 11
            )
            note = f"note {index}-{back}" if note_every and back % note_every == 0 else ""
            checkin.seal("note", note, owner=owner)
            rows.append(checkin)
    CheckIn.objects.bulk_create(rows, batch_size=2000)
    checkins_rebuild(owner_id=owner.pk)
    return made


def make_reflection(owner, *, body="Some words.", title="", date=None, needs=(), trashed=False, **fields):
    from django.utils import timezone

    from journal.models import Reflection
    from journal.services.derived import reflections_changed
    from journal.services.search_index import index_write

    reflection = Reflection(owner=owner, date=date or dt.date(2026, 1, 1), **fields)
    reflection.seal("title", title, owner=owner)
    reflection.seal("body", body, owner=owner)
    if trashed:
        reflection.deleted_at = timezone.now()
    reflection.save()
    index_write(reflection=reflection, user=owner, title=title, body=body)
    reflection.needs.set(needs)
    reflections_changed(owner_id=owner.pk, dates=[reflection.date])
    return reflection


def make_draft(owner, payload: dict, reflection=None):
    from journal.services.drafts import draft_save

    return draft_save(user=owner, draft_id=None, payload=payload, reflection=reflection)


def make_personal_prompt(owner, text: str, step="time_alone", category=""):
    from journal.models import PersonalPrompt

    prompt = PersonalPrompt(owner=owner, step=step, category=category)
    prompt.seal("text", text, owner=owner)
    prompt.save()
    return prompt


def make_statement(owner, need, words="words"):
    from needs.models.sharing import Statement

    statement = Statement(owner=owner, need=need)
    for name in Statement.sealed_fields:
        statement.seal(name, f"{name} {words}", owner=owner)
    statement.save()
    return statement


def make_card(owner, needs, *, label="For someone", statements=(), **fields):
    from needs.models.sharing import Card, new_token, token_hash

    token = new_token()
    card = Card(owner=owner, token_hash=token_hash(token), **fields)
    card.seal("label", label, owner=owner)
    card.seal("token", token, owner=owner)
    card.save()
    card.needs.set(needs)
    card.statements.set(statements)
    card.plain_token = token
    return card


def make_relationship(owner, nickname="Sam", kind="friend"):
    from needs.models.relationships import Relationship

    relationship = Relationship(owner=owner, kind=kind)
    relationship.seal("nickname", nickname, owner=owner)
    relationship.save()
    return relationship


def make_connection(inviter, invitee):
    from needs.models.sharing import Connection

    return Connection.objects.create(inviter=inviter, invitee=invitee)


def make_openness(owner, need) -> dict:
    """One of each openness object for `owner`, connected with a third person (carol)."""
    from django.contrib.auth import get_user_model

    from needs.models.sharing import SharedNeed

    carol = get_user_model().objects.create_user("carol", "carol@example.com", "x")
    connection = make_connection(owner, carol)
    carols = make_need(carol, "Carol's need")
    return {
        "statement": make_statement(owner, need, "alice"),
        "card": make_card(owner, [need], label="alice's card"),
        "relationship": make_relationship(owner, "alice's friend"),
        "connection": connection,
        "shared": SharedNeed.objects.create(connection=connection, owner=carol, need=carols),
        "mine_shared": SharedNeed.objects.create(connection=connection, owner=owner, need=need),
    }


def quick_checkin_data(need, score: int) -> dict:
    """The home page's quick check-in form, as a browser sends it, for one need."""
    return {
        "quick": "1",
        "rating-TOTAL_FORMS": "1",
        "rating-INITIAL_FORMS": "1",
        "rating-MIN_NUM_FORMS": "0",
        "rating-MAX_NUM_FORMS": "500",
        "rating-0-need": str(need.pk),
        "rating-0-score": str(score),
    }


def sign_in_with_second_factor(client, user, *, used: bool = True):
    """Sign `user` in on `client`, owning an authenticator app; with `used`, this session was confirmed with it
    (recorded in the session the way allauth does after a TOTP code). The staff admin asks for both."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import RequestFactory

    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    authenticator = authenticator or TOTP.activate(user, generate_totp_secret()).instance
    client.force_login(user)
    if used:
        request = RequestFactory().get("/")
        request.session, request.user = client.session, user
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
        request.session.save()
    return authenticator


def make_import_job(user, *, reason: str = "title: too long"):
    """A finished import with a report: three reflections imported, one refused for `reason`."""
    from journal.models import ImportJob
    from journal.portability.jobs import sealed_report
    from journal.portability.records import Report

    job = ImportJob.objects.create(owner=user, state=ImportJob.State.FINISHED, total=4, done=4, upload="")
    report = Report()
    report.imported["reflections"] = 3
    report.refuse("reflections", 3, reason)
    ImportJob.objects.filter(pk=job.pk).update(report=sealed_report(job, report))
    return job


def at_the_same_moment(call, *, times: int = 2) -> list:
    """`call()` in `times` threads released together (as cron on several machines), each on its own database
    connection: their results. An exception in any thread fails the test."""
    barrier = threading.Barrier(times)
    results, errors = [], []

    def runner():
        try:
            barrier.wait()
            results.append(call())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results
