"""What the sealed-value test opens: for every URL pattern of the project, the visits that show its page.

Each visit is made as the person who sees that page (alice, bob her partner, staff, or a visitor), with the
query strings that change what the page shows; actions that change the account run last. Keys are URL names,
or the whole route of a pattern without a name.
"""

from dataclasses import dataclass, field

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from journal.services.reminders import unsubscribe_token
from needs.charts import RANGES
from tests.factories import quick_checkin_data
from tests.full_account import WORDS, Account
from tests.test_query_fuzz import KWARGS, OBJECT_FOR

# Alice's own texts: her export holds these (not bob's, nor what only the site keeps: drafts, cards, the trash).
IN_EXPORT = ("met", "helps", "note", "today_note", "title", "body", "personal_title", "personal_body", "year_ago",
             "prompt", "statement", "loved", "nickname", "pause", "archived", "spare")  # fmt: skip


@dataclass
class Visit:
    path: str
    who: str = "alice"  # alice, bob, staff or anonymous
    query: dict = field(default_factory=dict)
    htmx: bool = False
    post: dict | None = None  # POST this instead of a GET
    status: int = 200  # the first answer; a redirect is followed and must end on a 200 page
    late: int = 0  # changes the account: runs after every other visit, in this order
    shows: tuple = ()  # keys of WORDS the page must show

    def __str__(self) -> str:
        extra = f" {self.query}" if self.query else ""
        return f"{'POST' if self.post is not None else 'GET'} {self.path}{extra} as {self.who}" + (
            " (htmx)" if self.htmx else ""
        )


def _url(name: str, acct: Account, **kwargs) -> str:
    """A URL filled with alice's objects, by the same mapping the query-string fuzz test uses."""
    if kwargs:
        return reverse(name, kwargs={k: getattr(v, "pk", v) for k, v in kwargs.items()})
    if name in KWARGS:
        return reverse(name, kwargs=KWARGS[name](acct.objects))
    if name in OBJECT_FOR:
        return reverse(name, kwargs={"pk": acct[OBJECT_FOR[name]].pk})
    return reverse(name)


def _app_visits(acct: Account) -> dict[str, list[Visit]]:
    u = lambda name, **kw: _url(name, acct, **kw)  # noqa: E731 - a short name keeps the table readable
    today = acct["today"]
    reflection, need = acct["reflection"], acct["need"]
    return {
        "home": [Visit(u("home")), Visit(u("home"), htmx=True), Visit(u("home"), "anonymous")],
        "privacy": [Visit(u("privacy")), Visit(u("privacy"), "anonymous")],
        "more_help": [Visit(u("more_help")), Visit(u("more_help"), "anonymous")],
        "web_manifest": [Visit(u("web_manifest")), Visit(u("web_manifest"), "anonymous")],
        "service_worker": [Visit(u("service_worker")), Visit(u("service_worker"), "anonymous")],
        "offline_page": [Visit(u("offline_page")), Visit(u("offline_page"), "anonymous")],
        "offline_state": [Visit(u("offline_state")), Visit(u("offline_state"), "anonymous")],
        # The welcome path is done for alice: each page leads home (tests/journal/test_welcome.py walks it).
        **{
            name: [Visit(u(name), status=302)]
            for name in (
                "journal:welcome",
                "journal:welcome_needs",
                "journal:welcome_checkin",
                "journal:welcome_write",
            )
        },
        "journal:welcome_skip": [Visit(u("journal:welcome_skip"), post={"step": "intro"}, status=302)],
        "journal:settings": [Visit(u("journal:settings"))],
        # Push is off in tests (no key pair): subscribing and the test notification answer 404.
        "journal:push_subscribe": [Visit(u("journal:push_subscribe"), post={}, status=404)],
        "journal:push_test": [Visit(u("journal:push_test"), post={}, status=404)],
        "journal:push_device_remove": [Visit(u("journal:push_device_remove"), post={}, status=302, late=1)],
        "journal:data": [Visit(u("journal:data"))],
        "journal:export_json": [
            Visit(u("journal:export_json"), shows=IN_EXPORT),
            Visit(u("journal:export_json"), query={"date_from": str(today.replace(day=1))}),
        ],
        "journal:export_markdown": [
            Visit(u("journal:export_markdown"), shows=("title", "body", "personal_body"))
        ],
        "journal:export_csv": [Visit(u("journal:export_csv"), shows=("note",))],
        "journal:import": [Visit(u("journal:import"))],
        "journal:import_job": [
            Visit(u("journal:import_job"), shows=("import_reason",)),
            Visit(u("journal:import_job"), htmx=True, shows=("import_reason",)),
        ],
        "journal:delete_account": [Visit(u("journal:delete_account"))],
        "journal:goodbye": [Visit(u("journal:goodbye"), "anonymous")],
        "journal:unsubscribe": [
            Visit(
                reverse("journal:unsubscribe", args=[unsubscribe_token(acct["alice"].pk, "daily")]),
                "anonymous",
            )
        ],
        "journal:insights": [Visit(u("journal:insights"), query={"range": key}) for key in ["", *RANGES]],
        "journal:insights_feelings": [
            Visit(u("journal:insights_feelings"), query={"range": key}) for key in ["", *RANGES]
        ],
        "journal:insights_year": [Visit(u("journal:insights_year"))],
        "journal:weekly_review": [
            # The week's relationships, by their nicknames (rated every day of the last 40).
            Visit(u("journal:weekly_review"), query={"week": str(today)}, shows=("nickname",)),
            Visit(u("journal:weekly_review"), query={"week": str(reflection.date)}, shows=("title",)),
            Visit(
                u("journal:weekly_review"),
                query={"week": str(acct["answered"].date)},
                shows=("personal_title",),
            ),
        ],
        "journal:reflection_list": [
            Visit(u("journal:reflection_list"), shows=("title", "body", "personal_title", "year_ago")),
            Visit(u("journal:reflection_list"), query={"q": WORDS["body"]}, shows=("title", "body")),
            Visit(
                u("journal:reflection_list"), query={"q": WORDS["personal_title"]}, shows=("personal_body",)
            ),
            Visit(u("journal:reflection_list"), query={"q": WORDS["body"]}, htmx=True, shows=("body",)),
            Visit(
                u("journal:reflection_list"),
                query={"need": need.pk, "category": "physical"},
                shows=("title",),
            ),
            Visit(
                u("journal:reflection_list"),
                query={"prompt": acct["staff_prompt"].pk, "step": "honesty"},
                shows=("title",),
            ),
            Visit(
                u("journal:reflection_list"), query={"date_from": str(reflection.date), "date_to": str(today)}
            ),
        ],
        "journal:calendar": [
            Visit(u("journal:calendar"), query={"month": f"{d:%Y-%m}"})
            for d in (reflection.date, acct["year_ago"].date)
        ]
        + [Visit(u("journal:calendar"))],
        "journal:reflection_create": [
            Visit(u("journal:reflection_create")),
            Visit(u("journal:reflection_create"), query={"draft": acct["draft"].pk}, shows=("draft",)),
            Visit(
                u("journal:reflection_create"),
                query={"personal_prompt": acct["personal_prompt"].pk},
                shows=("prompt",),
            ),
            Visit(u("journal:reflection_create"), query={"prompt": acct["staff_prompt"].pk, "need": need.pk}),
        ],
        "journal:trash": [Visit(u("journal:trash"), shows=("trashed",))],
        "journal:draft_save": [Visit(u("journal:draft_save"), post={"title": "Autosaved", "body": "kept"})],
        "journal:draft_discard": [Visit(u("journal:draft_discard"), post={}, status=302, late=1)],
        "journal:prompt_another": [Visit(u("journal:prompt_another"), post={"next": "/"}, status=302)],
        "journal:prompt_list": [Visit(u("journal:prompt_list"), shows=("prompt",))],
        "journal:prompt_create": [Visit(u("journal:prompt_create"))],
        "journal:prompt_edit": [Visit(u("journal:prompt_edit"), shows=("prompt",))],
        "journal:prompt_delete": [
            Visit(u("journal:prompt_delete", pk=acct["spare_prompt"]), post={}, status=302, late=2)
        ],
        "journal:reflection_detail": [
            Visit(u("journal:reflection_detail"), shows=("title", "body")),
            Visit(
                u("journal:reflection_detail", pk=acct["answered"]),
                shows=("personal_title", "personal_body", "prompt"),
            ),
        ],
        "journal:reflection_edit": [
            Visit(u("journal:reflection_edit"), shows=("title", "body")),
            Visit(
                u("journal:reflection_edit"), query={"draft": acct["edit_draft"].pk}, shows=("edit_draft",)
            ),
            Visit(u("journal:reflection_edit", pk=acct["answered"]), shows=("prompt",)),
        ],
        "journal:reflection_delete": [
            Visit(u("journal:reflection_delete", pk=acct["spare_reflection"]), post={}, status=302, late=3)
        ],
        "journal:reflection_restore": [Visit(u("journal:reflection_restore"), post={}, status=302, late=4)],
        "journal:reflection_destroy": [
            Visit(u("journal:reflection_destroy", pk=acct["trashed_too"]), post={}, status=302, late=5)
        ],
        "needs:inventory": [Visit(u("needs:inventory"))],
        "needs:catalogue": [Visit(u("needs:catalogue"))],
        "needs:need_create": [Visit(u("needs:need_create"), query={"category": "physical"})],
        "needs:need_detail": [
            Visit(u("needs:need_detail"), query={"range": key}, shows=("met", "helps", "note", "statement"))
            for key in ["", *RANGES]
        ]
        + [Visit(u("needs:need_detail", pk=acct["archived"]), shows=("archived",))],
        "needs:need_edit": [Visit(u("needs:need_edit"), shows=("met", "helps"))],
        "needs:need_archive": [
            Visit(u("needs:need_archive", pk=acct["spare_need"]), post={}, status=302, late=6)
        ],
        "needs:need_restore": [
            Visit(u("needs:need_restore"), post={}, status=302, late=7, shows=("archived",))
        ],
        "needs:need_delete": [
            Visit(u("needs:need_delete", pk=acct["spare_need"])),
            Visit(u("needs:need_delete", pk=acct["spare_need"]), post={}, status=302, late=8),
        ],
        "needs:checkin": [
            Visit(u("needs:checkin"), shows=("today_note",)),
            Visit(u("needs:checkin"), htmx=True, shows=("today_note",)),
            Visit(u("needs:checkin"), query={"date": str(acct["checkin"].date)}, shows=("note",)),
            Visit(u("needs:checkin"), htmx=True, post=quick_checkin_data(acct["heard"], 8)),
        ],
        "needs:checkin_edit": [Visit(u("needs:checkin_edit"), shows=("note",))],
        "needs:wheel": [Visit(u("needs:wheel"))],
        "needs:relationships": [Visit(u("needs:relationships"), shows=("nickname",))],
        "needs:relationship_create": [Visit(u("needs:relationship_create"))],
        "needs:relationship_detail": [Visit(u("needs:relationship_detail"), shows=("nickname", "pause"))],
        "needs:relationship_edit": [Visit(u("needs:relationship_edit"), shows=("nickname",))],
        "needs:relationship_remove": [
            Visit(u("needs:relationship_remove"), shows=("nickname",)),
            Visit(u("needs:relationship_remove", pk=acct["spare_relationship"]), post={}, status=302, late=9),
        ],
        "needs:pause_plan": [Visit(u("needs:pause_plan"), shows=("nickname", "pause"))],
        "sharing:cards": [Visit(u("sharing:cards"), shows=("card",))],
        "sharing:card_create": [Visit(u("sharing:card_create"))],
        "sharing:card_revoke": [
            Visit(u("sharing:card_revoke", pk=acct["spare_card"]), post={}, status=302, late=10)
        ],
        "sharing:statement_create": [Visit(u("sharing:statement_create"))],
        "sharing:statement_edit": [Visit(u("sharing:statement_edit"), shows=("statement",))],
        "sharing:love_profile": [Visit(u("sharing:love_profile"), shows=("loved",))],
        "sharing:partners": [Visit(u("sharing:partners")), Visit(u("sharing:partners"), "bob")],
        "sharing:partner_join": [Visit(u("sharing:partner_join"), query={"code": acct.bobs_invitation_code})],
        "sharing:partner_detail": [
            Visit(u("sharing:partner_detail"), shows=("statement", "bob_statement", "answer", "bob_answer")),
            Visit(
                u("sharing:partner_detail"),
                "bob",
                shows=("statement", "bob_statement", "answer", "bob_answer"),
            ),
        ],
        "sharing:partner_share": [
            Visit(u("sharing:partner_share")),
            Visit(u("sharing:partner_share"), "bob"),
        ],
        "sharing:partner_answer": [
            Visit(u("sharing:partner_answer"), post={"kind": "more", "note": "Which evenings?"}, status=302)
        ],
        "sharing:partner_end": [
            Visit(u("sharing:partner_end")),
            Visit(u("sharing:partner_end"), "bob"),
            Visit(u("sharing:partner_end"), "bob", post={}, status=302, late=99),
        ],
        "needs/cards/": [Visit("/needs/cards/", status=301, shows=("card",))],
        "^needs/(?P<rest>(?:partners|loved|statements)/.*)$": [
            Visit(f"/needs/partners/{acct['connection'].pk}/", status=301, shows=("bob_statement",)),
            Visit("/needs/loved/", status=301, shows=("loved",)),
            Visit(f"/needs/statements/{acct['statement'].pk}/", status=301, shows=("statement",)),
        ],
        "card_public": [
            Visit(u("card_public"), "anonymous", shows=("statement", "loved")),
            # Once revoked (late=10), its link gets the calm "no longer shared" page.
            Visit(u("card_public", token=acct["spare_card"].plain_token), "anonymous", status=410, late=11),
        ],
        "usersessions_list": [Visit(u("usersessions_list"))],
    }


def _account_visits(acct: Account) -> dict[str, list[Visit]]:
    """allauth's pages, each as the person who opens it (a visitor for the ways in)."""
    visitor = ["account_login", "account_signup", "account_inactive",
               "account_reset_password", "account_password_reset_completed", "account_request_login_code"]  # fmt: skip
    signed_in = ["account_logout", "account_reauthenticate", "account_email", "account_change_password",
                 "mfa_index", "mfa_reauthenticate", "mfa_deactivate_totp", "mfa_view_recovery_codes",
                 "mfa_generate_recovery_codes", "mfa_download_recovery_codes", "mfa_list_webauthn",
                 "mfa_add_webauthn", "mfa_reauthenticate_webauthn"]  # fmt: skip
    visits = {name: [Visit(reverse(name), "anonymous")] for name in visitor}
    # Arriving by an invitation link: the ways in say so.
    invited = {"next": f"{reverse('sharing:partner_join')}?code=ABCD"}
    for name in ("account_login", "account_signup"):
        visits[name].append(Visit(reverse(name), "anonymous", query=invited))
    visits |= {name: [Visit(reverse(name))] for name in signed_in}
    email = {"email": acct["alice"].email}
    passkey = acct["passkey"].pk
    return visits | {
        # Reached from a form: a code was just sent.
        "account_confirm_login_code": [
            Visit(reverse("account_request_login_code"), "anonymous", post=email, status=302)
        ],
        "account_confirm_password_reset_code": [
            Visit(reverse("account_reset_password"), "anonymous", post=email, status=302)
        ],
        # Without a confirmed code: back to the start of the reset.
        "account_complete_password_reset": [
            Visit(reverse("account_complete_password_reset"), "anonymous", status=302)
        ],
        # Steps that only follow another one send a visitor who skipped it on.
        "account_email_verification_sent": [
            Visit(reverse("account_email_verification_sent"), "anonymous", status=302)
        ],
        "mfa_authenticate": [Visit(reverse("mfa_authenticate"), "anonymous", status=302)],
        # alice has a password and an authenticator app already: these send her on.
        "account_set_password": [Visit(reverse("account_set_password"), status=302)],
        "mfa_activate_totp": [Visit(reverse("mfa_activate_totp"), status=302)],
        "mfa_login_webauthn": [Visit(reverse("mfa_login_webauthn"), "anonymous", status=302)],
        "mfa_remove_webauthn": [Visit(reverse("mfa_remove_webauthn", args=[passkey]))],
        "mfa_edit_webauthn": [Visit(reverse("mfa_edit_webauthn", args=[passkey]))],
    }


def _admin_visits(acct: Account) -> dict[str, list[Visit]]:
    """The staff admin, for staff who passed its second factor; each registered model with one of its rows."""
    rows = {
        "auth.user": acct["alice"],
        "auth.group": acct["group"],
        "needs.catalogueneed": acct["catalogue_need"],
        "journal.prompt": acct["staff_prompt"],
    }
    root = reverse("admin:index")
    alice = acct["alice"]
    visits = {
        "admin:index": [Visit(root, "staff")],
        "admin:login": [Visit(reverse("admin:login"), "staff", status=302)],
        "admin:logout": [Visit(reverse("admin:logout"), "staff", status=405)],  # signing out is a POST
        # Staff change their own password on the site's page, not the admin's.
        "admin:password_change": [Visit(reverse("admin:password_change"), "staff", status=302)],
        "admin:password_change_done": [Visit(reverse("admin:password_change_done"), "staff", status=302)],
        # No admin form uses autocomplete: its endpoint refuses every request.
        "admin:autocomplete": [Visit(reverse("admin:autocomplete"), "staff", status=403)],
        "admin:jsi18n": [Visit(reverse("admin:jsi18n"), "staff")],
        # No registered model has a page on the site: "view on site" finds nothing to open.
        "admin:view_on_site": [
            Visit(
                reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(alice).pk, alice.pk]),
                "staff",
                status=404,
            )
        ],
        "admin:app_list": [
            Visit(reverse("admin:app_list", args=[label]), "staff")
            for label in sorted({m._meta.app_label for m in admin.site._registry})
        ],
        # Locked down (needs/admin.py, tests/test_admin_lockdown.py): staff set no passwords, add no accounts.
        "admin:auth_user_password_change": [
            Visit(reverse("admin:auth_user_password_change", args=[alice.pk]), "staff", status=404)
        ],
        # An admin address without its slash is sent on; an unknown one gets the not-found page.
        f"{root.lstrip('/')}(?P<url>.*)$": [
            Visit(root + "auth/user", "staff", status=301),
            Visit(root + "no-such-page/", "staff", status=404),
        ],
    }
    for model in admin.site._registry:
        label = model._meta.label_lower
        row = rows[label]  # a model registered without a row here fails loudly
        base = f"admin:{label.replace('.', '_')}"
        for action, args in (("changelist", []), ("add", []), ("history", [row.pk]), ("delete", [row.pk]),
                             ("change", [row.pk])):  # fmt: skip
            status = {
                ("auth.user", "add"): 403,
                # alice answered this prompt: its delete page sends staff back with "make it inactive instead".
                ("journal.prompt", "delete"): 302,
            }.get((label, action), 200)
            visits[f"{base}_{action}"] = [
                Visit(reverse(f"{base}_{action}", args=args), "staff", status=status)
            ]
        plain = reverse(f"{base}_changelist")
        visits[f"{plain.lstrip('/')}<path:object_id>/"] = [Visit(f"{plain}{row.pk}/", "staff", status=302)]
    return visits


def planned_visits(acct: Account) -> dict[str, list[Visit]]:
    return _app_visits(acct) | _account_visits(acct) | _admin_visits(acct)
