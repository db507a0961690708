"""The journal: prompts (staff-curated and a person's own), reflections, drafts, prompts of the day, reminder
settings and the emails sent, and which imported records became which rows."""

import calendar
import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from needs.models.needs import Category, Need
from needs.privacy.crypto import SealedFieldsMixin
from needs.privacy.owned import OwnedModel, OwnedQuerySet

TRASH_DAYS = 30


class Step(models.TextChoices):
    HONESTY = "honesty", "Honesty"
    OPENNESS = "openness", "Openness"
    PATIENCE = "patience", "Patience"
    TIME_ALONE = "time_alone", "Time alone"
    STEPPING_BACK = "stepping_back", "Stepping back"


class PromptQuerySet(models.QuerySet):
    def daily(self):
        """Prompts fit to arrive unasked, with no particular person in view: the question of the day, "another
        question", a suggestion next to a need. Not those that speak of someone, nor those kept for a moment
        the person chose (a question about safety must never be a random pick)."""
        return self.filter(is_active=True, daily_pick=True, needs_relationship=False)


class Prompt(models.Model):
    """A staff-curated reflection prompt."""

    slug = models.SlugField(max_length=100, unique=True, help_text="Stable id used by the starter content.")
    text = models.TextField(max_length=400)
    follow_up = models.TextField("follow-up question", max_length=400, blank=True)
    category = models.CharField(max_length=12, choices=Category.choices, blank=True)
    step = models.CharField(max_length=16, choices=Step.choices)
    is_active = models.BooleanField("active", default=True)
    daily_pick = models.BooleanField(
        "offer as a daily question",
        default=True,
        help_text="Can arrive unasked, as someone’s question of the day or when they ask for another. Turn this "
        "off for a question that is too heavy to meet by chance: it is then shown only where someone goes "
        "looking for it, such as next to a relationship.",
    )
    needs_relationship = models.BooleanField(
        "needs a relationship in view",
        default=False,
        help_text="The question speaks of one particular person (“this person”, “them”), so it only makes sense "
        "next to a relationship. It is never a question of the day.",
    )
    points_to_help = models.BooleanField(
        "point to “When you need more than a journal”",
        default=False,
        help_text="Wherever the question is shown, a link to the page about finding help in person goes with "
        "it. For questions about safety, harm or fear of someone.",
    )
    catalogue_needs = models.ManyToManyField(
        "needs.CatalogueNeed",
        blank=True,
        related_name="prompts",
        verbose_name="about these catalogue needs",
        help_text="When one of these needs is running low for someone, this question is the one suggested "
        "next to it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PromptQuerySet.as_manager()

    class Meta:
        ordering = ["step", "category", "text"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def fits_a_day(self) -> bool:
        """Whether it may arrive unasked, as `Prompt.objects.daily()` chooses."""
        return self.is_active and self.daily_pick and not self.needs_relationship


class RetiredStarter(models.Model):
    """A piece of starter content (a prompt or a catalogue need, by slug) that staff deleted: loading the starter
    content again never brings it back."""

    class Kind(models.TextChoices):
        PROMPT = "prompt", "Prompt"
        CATALOGUE_NEED = "catalogue_need", "Catalogue need"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    slug = models.SlugField(max_length=100)
    retired_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "slug"], name="retired_starter_once")]

    def __str__(self) -> str:
        return f"retired {self.kind} {self.slug}"


class PersonalPrompt(SealedFieldsMixin, OwnedModel):
    """A person's own private question. Its text is sealed like the rest of their writing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    text = models.TextField(editable=False)
    category = models.CharField(max_length=12, choices=Category.choices, blank=True)
    step = models.CharField(max_length=16, choices=Step.choices)
    is_active = models.BooleanField("use it for prompts of the day", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    sealed_fields = ("text",)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return "a personal prompt"


class ReflectionQuerySet(OwnedQuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)

    def trashed(self):
        return self.filter(deleted_at__isnull=False)


class Reflection(SealedFieldsMixin, OwnedModel):
    """A dated journal entry in Markdown. Title and body are sealed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The (owner, date) and (owner, deleted_at) indexes serve every lookup by owner.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, editable=False, db_index=False
    )
    date = models.DateField()
    title = models.TextField(blank=True, editable=False)
    body = models.TextField(editable=False)
    needs = models.ManyToManyField(Need, blank=True, related_name="+")
    prompt = models.ForeignKey(  # an answered prompt is made inactive, never deleted
        Prompt, null=True, blank=True, on_delete=models.PROTECT, related_name="answers"
    )
    personal_prompt = models.ForeignKey(
        PersonalPrompt, null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    anxiety = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    confidence = models.PositiveSmallIntegerField(
        "self-confidence", null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    # Bumped on every save: an edit opened at an older version is a conflict, never a silent overwrite.
    version = models.PositiveIntegerField(default=1, editable=False)
    # The one-time key of the form that created it: the same form sent twice (a double click, a browser
    # retrying after a lost answer) finds this reflection instead of storing a second one.
    form_key = models.UUIDField(null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    sealed_fields = ("title", "body")
    objects = ReflectionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["owner", "date"]), models.Index(fields=["owner", "deleted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(prompt__isnull=True) | Q(personal_prompt__isnull=True),
                name="reflection_answers_one_prompt",
            ),
            models.CheckConstraint(
                condition=Q(anxiety__isnull=True) | Q(anxiety__lte=10), name="reflection_anxiety_0_to_10"
            ),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__lte=10),
                name="reflection_confidence_0_to_10",
            ),
            models.UniqueConstraint(
                fields=["owner", "form_key"],
                condition=Q(form_key__isnull=False),
                name="reflection_form_key_once",
            ),
        ]

    def __str__(self) -> str:
        return f"reflection of {self.date}"


DRAFTS_PER_PERSON = 50


class Draft(SealedFieldsMixin, OwnedModel):
    """Autosaved form content: the whole form as sealed JSON. Deleted when the form that wrote it is saved
    (or the person discards it); never because another window saved the same reflection."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reflection = models.ForeignKey(
        Reflection, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    # The reflection's version the edit was opened at: older than the reflection's own version means it
    # was saved elsewhere meanwhile, and the draft comes back in the conflict view. None for a new one.
    base_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The one-time key of the form that wrote it, so saving that form removes it even when the autosave's
    # answer (with the draft's id) had not reached the page yet.
    form_key = models.UUIDField(null=True, blank=True, editable=False)
    payload = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    sealed_fields = ("payload",)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return "a draft"


class PromptShown(OwnedModel):
    """Which prompt was a person's prompt of the day. The newest for a date is that day's prompt."""

    date = models.DateField()
    prompt = models.ForeignKey(Prompt, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    personal_prompt = models.ForeignKey(
        PersonalPrompt, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Prompts don't repeat within a cycle; a new cycle starts when the pool is used up.
    cycle = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["owner", "date"])]

    def __str__(self) -> str:
        return f"prompt of {self.date}"


class Channel(models.TextChoices):
    """How one kind of reminder reaches the person."""

    EMAIL = "email", "Email"
    PUSH = "push", "Notification on my devices"
    BOTH = "both", "Both"


class Reminder(OwnedModel):
    """Opt-in reminders, kept as the person's local time and the zone it is in, and how each kind is sent."""

    daily_enabled = models.BooleanField("email me a daily reminder", default=False)
    daily_time = models.TimeField("at", default=dt.time(20, 0))
    weekly_enabled = models.BooleanField("email me a weekly review", default=False)
    weekly_day = models.PositiveSmallIntegerField(
        "on", choices=[(i, name) for i, name in enumerate(calendar.day_name)], default=6
    )
    weekly_time = models.TimeField("at ", default=dt.time(18, 0))
    time_zone = models.CharField(max_length=64, default="UTC")
    daily_channel = models.CharField(
        "send the daily reminder by", max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    weekly_channel = models.CharField(
        "send the weekly review by", max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    check_back_channel = models.CharField(
        "send a pause plan's check-back by", max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    # Set when the person unsubscribed from a kind's email while it went to their devices: it then comes to
    # their devices only, with no email when no device takes it. Cleared when they choose email again.
    daily_email_stopped = models.BooleanField(default=False)
    weekly_email_stopped = models.BooleanField(default=False)
    check_back_email_stopped = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner"], name="reminder_one_per_person")]

    def __str__(self) -> str:
        return "reminder settings"

    def save(self, *args, **kwargs):
        # Email chosen (alone or with push) is email wanted: a stop from an earlier unsubscribe no longer holds.
        for kind in ("daily", "weekly", "check_back"):
            if getattr(self, f"{kind}_channel") != Channel.PUSH:
                setattr(self, f"{kind}_email_stopped", False)
        super().save(*args, **kwargs)


class ReminderSent(OwnedModel):
    """One row per reminder and local date: the idempotency key that makes a double send impossible."""

    kind = models.CharField(max_length=8, choices=[("daily", "daily"), ("weekly", "weekly")])
    local_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind", "local_date"], name="reminder_sent_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder for {self.local_date}"


class PushSubscription(OwnedModel):
    """One of the person's devices (a browser) that accepted notifications.

    The endpoint is the push service's address for that browser: whoever knows it can send to the device, so
    it is shown to no one, never logged and not in the admin. The keys encrypt each notification for the
    browser alone. A browser has one endpoint per site; it belongs to whoever turned notifications on last.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.URLField(max_length=1024, unique=True)
    p256dh = models.CharField(max_length=128)
    auth = models.CharField(max_length=64)
    device_label = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.device_label


class ImportedRecord(OwnedModel):
    """Which record of an imported file became which row here, so importing a file again adds nothing."""

    kind = models.CharField(max_length=16)
    source_id = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind", "source_id"], name="imported_record_once")
        ]

    def __str__(self) -> str:
        return f"imported {self.kind}"


class ReflectionDay(OwnedModel):
    """One person's live reflections of one local date: how many, and the sums and counts of the feelings.

    Kept in the same transaction as every reflection write (journal.services.derived); numbers only, no text.
    """

    # The unique (owner, date) index serves every lookup by owner.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, editable=False, db_index=False
    )
    date = models.DateField()
    count = models.PositiveIntegerField()
    anxiety_total = models.PositiveIntegerField()
    anxiety_count = models.PositiveIntegerField()
    confidence_total = models.PositiveIntegerField()
    confidence_count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "date"], name="reflectionday_once")]

    def __str__(self) -> str:
        return f"reflections of {self.date}"


class NeedLinkDay(OwnedModel):
    """How many of one person's live reflections of one local date link to one need.

    Kept with ReflectionDay in the same transaction as every reflection write; numbers only, no text.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, editable=False, db_index=False
    )
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="+", db_index=False)
    date = models.DateField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["need", "date"], name="needlinkday_once")]
        indexes = [models.Index(fields=["owner", "date"])]

    def __str__(self) -> str:
        return f"links of {self.date}"


class SearchTerm(OwnedModel):
    """One keyed fingerprint of a word, or of a word's beginning, in a reflection (journal.services.search_index).

    The fingerprint is a BLAKE2b hash under a key derived from the person's data key: it holds no word, and the
    same word gives different fingerprints for different people.
    """

    # The (owner, term, reflection) index serves every lookup by owner and answers a search without reading
    # the table; the unique (reflection, term) one serves every lookup by reflection.
    # No foreign keys in the database: fingerprints go with their reflection and their account through
    # Django's cascade (tested), and checking hundreds of thousands of them at commit, when years of
    # reflections are imported at once, took longer than the import itself.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        editable=False,
        db_index=False,
        db_constraint=False,
    )
    reflection = models.ForeignKey(
        Reflection, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    term = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["owner", "term", "reflection"])]
        constraints = [models.UniqueConstraint(fields=["reflection", "term"], name="searchterm_once")]

    def __str__(self) -> str:
        return "a search fingerprint"


class ImportJob(SealedFieldsMixin, OwnedModel):
    """An import running in the background (journal.portability.jobs): the uploaded file, sealed, until the
    import finishes; how far it is; and the report, sealed (its reasons can quote what the file held).

    The import commits in steps, each with this row, so a worker killed part-way leaves a job that the next
    worker resumes from its last step without adding anything twice."""

    class State(models.TextChoices):
        WAITING = "waiting", "waiting for its turn"
        RUNNING = "running", "running"
        FINISHED = "finished", "finished"
        FAILED = "failed", "stopped"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The (owner, -created_at) index serves every lookup by owner.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, editable=False, db_index=False
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.WAITING, editable=False)
    upload = models.TextField(editable=False)  # sealed; emptied when the import ends
    report = models.TextField(editable=False, default="")  # sealed JSON
    # The parts of the file whose records are counted in the report (their writes may still be under way).
    counted = models.JSONField(default=list, editable=False)
    step = models.CharField(max_length=16, default="", editable=False)
    done = models.PositiveIntegerField(default=0, editable=False)
    total = models.PositiveIntegerField(default=0, editable=False)
    # A worker holds the job while `lease_until` is ahead; a job whose lease ran out is taken up again.
    holder = models.UUIDField(null=True, editable=False)
    lease_until = models.DateTimeField(null=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    task_id = models.CharField(max_length=64, blank=True, editable=False)  # its latest task in the queue
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, editable=False)

    sealed_fields = ("upload", "report")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="import_job_by_owner")]
        constraints = [
            # One import at a time per person, even when the same file is sent from two windows at once.
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(state__in=["waiting", "running"]),
                name="import_job_one_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"an import, {self.state}"

    @property
    def ended(self) -> bool:
        return self.state in (self.State.FINISHED, self.State.FAILED)

    @property
    def percent(self) -> int:
        return 100 if self.ended else min(99, self.done * 100 // self.total) if self.total else 0
