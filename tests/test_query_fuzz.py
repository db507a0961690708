"""Whatever is typed into an address's query string, a signed-in person never gets a server error.

For every URL (its path filled with the person's own objects), one probe request records the query
parameter names the view reads; hypothesis then sends arbitrary values for those names and a few unknown
ones: NUL, huge numbers, far-off dates, unicode, empty values, repeated keys, with and without htmx.
"""

import contextlib
import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from journal.models import PushSubscription
from tests.factories import (
    make_checkin,
    make_draft,
    make_import_job,
    make_need,
    make_openness,
    make_personal_prompt,
    make_reflection,
    sign_in_with_second_factor,
)
from tests.urlwalk import all_urls, url_params

pytestmark = pytest.mark.django_db

# Path arguments: which of the person's objects goes into each URL (the rest get a sample value).
OBJECT_FOR = {
    "needs:need_detail": "need",
    "needs:need_edit": "need",
    "needs:need_archive": "need",
    "needs:need_restore": "archived",
    "needs:need_delete": "need",
    "needs:checkin_edit": "checkin",
    "journal:reflection_detail": "reflection",
    "journal:reflection_edit": "reflection",
    "journal:reflection_delete": "reflection",
    "journal:reflection_restore": "trashed",
    "journal:reflection_destroy": "trashed",
    "journal:draft_discard": "draft",
    "journal:import_job": "import_job",
    "journal:push_device_remove": "push_device",
    "journal:prompt_edit": "personal_prompt",
    "journal:prompt_delete": "personal_prompt",
    "sharing:statement_edit": "statement",
    "sharing:card_revoke": "card",
    "needs:relationship_detail": "relationship",
    "needs:relationship_edit": "relationship",
    "needs:relationship_remove": "relationship",
    "needs:pause_plan": "relationship",
    "sharing:partner_detail": "connection",
    "sharing:partner_share": "connection",
    "sharing:partner_end": "connection",
}
KWARGS = {
    "sharing:statement_create": lambda objs: {"need_pk": objs["need"].pk},
    "sharing:partner_answer": lambda objs: {"pk": objs["connection"].pk, "shared_pk": objs["shared"].pk},
    "card_public": lambda objs: {"token": objs["card"].plain_token},
}
# Names no view reads: an old link, a tracker's tag, a typo must change nothing.
UNKNOWN = ["x", "utm_source", "page", "next", "q", "month", "week", "range", "format", "_"]
# The staff admin sends a person who is not staff to its log-in page before reading anything.
URLS = sorted(name for name in all_urls() if not name.startswith("admin:"))

EDGES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "1e309",
    "NaN",
    "99999999999999999999",
    "9" * 5000,
    "9999-12-31",
    "0001-01-01",
    "9999-12",
    "0001-01",
    "99999999999999999999-1",
    "1899-12-31",
    "2026-02-30",
    "00000000-0000-0000-0000-000000000000",
    "٢٠٢٦-٠٦",
    "２０２６-０６-０１",
    "🙂",
    "<script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "https://example.com/",
    "//example.com",
    "x" * 10000,
]
ALWAYS = ["9999-12-31", "0001-01-01", "9999-12", "0001-01", "99999999999999999999-1", "\x00", "9" * 5000]
VALUES = st.one_of(st.sampled_from(EDGES), st.text(max_size=60), st.integers().map(str), st.dates().map(str))


@contextlib.contextmanager
def recording_reads():
    """Every key looked up in a query dict (`get`, `[]`, `getlist`, `in`) while the block runs."""
    seen: set[str] = set()
    patched = {}

    def recorder(original):
        def read(self, key, *args, **kwargs):
            if isinstance(self, QueryDict) and isinstance(key, str):
                seen.add(key)
            return original(self, key, *args, **kwargs)

        return read

    for method in ("__getitem__", "get", "getlist", "__contains__"):
        patched[method] = MultiValueDict.__dict__.get(method)
        setattr(MultiValueDict, method, recorder(getattr(MultiValueDict, method)))
    try:
        yield seen
    finally:
        for method, original in patched.items():
            if original is None:
                delattr(MultiValueDict, method)
            else:
                setattr(MultiValueDict, method, original)


@pytest.fixture
def objects(alice):
    need = make_need(alice, "Rest", met="rested")
    archived = make_need(alice, "Old need")
    archived.archived_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    archived.save()
    today = dt.date.today()
    for back in range(10):
        make_checkin(alice, need, today - dt.timedelta(days=back), back % 11)
    return {
        "need": need,
        "archived": archived,
        "checkin": make_checkin(alice, need, today - dt.timedelta(days=20), 5, note="a note"),
        "reflection": make_reflection(alice, title="A day", body="Some words.", needs=[need]),
        "trashed": make_reflection(alice, title="Gone", trashed=True),
        "draft": make_draft(alice, {"body": ["a draft"]}),
        "personal_prompt": make_personal_prompt(alice, "My question?"),
        "import_job": make_import_job(alice),
        "push_device": PushSubscription.objects.create(
            owner=alice, endpoint="https://fcm.googleapis.com/fcm/send/fuzz", p256dh="x", auth="y"
        ),
        **make_openness(alice, need),
    }


def _path(name: str, objs: dict) -> str:
    if name in KWARGS:
        return reverse(name, kwargs=KWARGS[name](objs))
    if name in OBJECT_FOR:
        return reverse(name, kwargs={"pk": objs[OBJECT_FOR[name]].pk})
    return all_urls()[name]


def test_every_app_url_with_an_object_gets_the_persons_own():
    # A URL left to sample values would only ever answer 404 and test nothing behind it.
    with_objects = {n for n in URLS if n.split(":")[0] in {"needs", "journal"} and url_params(n)}
    assert with_objects <= set(OBJECT_FOR) | set(KWARGS) | {"journal:unsubscribe"}


def test_the_probe_finds_the_parameters_views_read(client, alice):
    # Guards the probe: if it recorded nothing, the fuzzing below would only ever send unknown names.
    client.force_login(alice)
    found = {}
    for name in ("journal:calendar", "journal:weekly_review", "journal:reflection_list", "journal:insights"):
        with recording_reads() as seen:
            client.get(reverse(name), {"probe": "1"})
        found[name] = seen
    assert "month" in found["journal:calendar"] and "week" in found["journal:weekly_review"]
    assert {"q", "need", "date_from", "date_to", "page"} <= found["journal:reflection_list"]
    assert "range" in found["journal:insights"]


@pytest.mark.parametrize("name", URLS)
def test_no_query_string_gives_a_server_error(client, alice, objects, name):
    client.force_login(alice)
    path = _path(name, objects)
    with recording_reads() as seen:
        probe = client.get(path, {"probe": "1"})
    assert probe.status_code < 500, f"{name} answered {probe.status_code}"
    if probe.status_code == 405:
        return  # the view refuses GET before it reads anything
    names = sorted((seen - {"probe"}) | set(UNKNOWN))

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        query=st.dictionaries(st.sampled_from(names), st.lists(VALUES, min_size=1, max_size=3), min_size=1),
        htmx=st.booleans(),
    )
    def fuzz(query, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.get(path, query, headers=headers)
        assert response.status_code < 500, f"{name} {query!r} answered {response.status_code}"

    # The values known to have broken pages are always tried, in every name the view reads at once.
    for value in ALWAYS:
        fuzz = example(query={key: [value] for key in names}, htmx=False)(fuzz)
    fuzz()


# --- The staff admin, for staff who passed its second factor -----------------------------------------------

ADMIN_NAMES = ["q", "o", "p", "e", "all", "_changelist_filters", "_popup", "_to_field", "is_active__exact",
               "is_staff__exact", "category__exact", "step__exact", "date_joined__gte", "id__in", "pk"]  # fmt: skip


def _admin_pages(alice) -> list[str]:
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        instance = model.objects.first()
        if instance is not None:
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk]))
    pages.append(reverse("admin:auth_user_change", args=[alice.pk]))
    return pages


def test_no_query_string_gives_the_staff_admin_a_server_error(client, alice, objects):
    call_command("load_starter_content", verbosity=0)
    root = get_user_model().objects.create_superuser("root", "root@example.com", "root-password-123")
    sign_in_with_second_factor(client, root)
    pages = _admin_pages(alice)
    assert all(client.get(page).status_code == 200 for page in pages)  # the way in works: refusals are real

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        page=st.sampled_from(pages),
        query=st.dictionaries(
            st.sampled_from(ADMIN_NAMES), st.lists(VALUES, min_size=1, max_size=2), min_size=1
        ),
    )
    def fuzz(page, query):
        response = client.get(page, query)
        assert response.status_code < 500, f"{page} {query!r} answered {response.status_code}"

    for value in ALWAYS:
        fuzz = example(page=pages[1], query={key: [value] for key in ADMIN_NAMES})(fuzz)
    fuzz()
