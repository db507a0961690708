"""What staff do to accounts is written down here, and shown to the person it was done to."""

from django.db import transaction

from needs.models.accounts import StaffAction

# An account flag staff may change → (the record when it is turned on, the record when it is turned off).
FLAG_ACTIONS = {
    "is_active": (StaffAction.Kind.REINSTATED, StaffAction.Kind.SUSPENDED),
    "is_staff": (StaffAction.Kind.STAFF_GRANTED, StaffAction.Kind.STAFF_REMOVED),
    "is_superuser": (StaffAction.Kind.SUPERUSER_GRANTED, StaffAction.Kind.SUPERUSER_REMOVED),
}


def staff_action_record(*, actor, person, action: str) -> StaffAction:
    return StaffAction.objects.create(owner=person, actor=actor, actor_email=actor.email, action=action)


def staff_flag_changes_record(*, actor, person, changed: list[str]) -> list[StaffAction]:
    """Records for the account flags in `changed` (form field names), each read from `person` as saved."""
    made = []
    for field in changed:
        if field in FLAG_ACTIONS:
            made.append(
                staff_action_record(
                    actor=actor, person=person, action=FLAG_ACTIONS[field][0 if getattr(person, field) else 1]
                )
            )
        elif field in {"groups", "user_permissions"} and not any(
            action.action == StaffAction.Kind.PERMISSIONS_CHANGED for action in made
        ):
            made.append(
                staff_action_record(actor=actor, person=person, action=StaffAction.Kind.PERMISSIONS_CHANGED)
            )
    return made


def account_status_set(*, actor, people, active: bool) -> int:
    """Suspend or reinstate accounts (never the actor's own), one record each; returns how many changed."""
    changed = 0
    with transaction.atomic():
        for person in people.exclude(pk=actor.pk).filter(is_active=not active).select_for_update():
            person.is_active = active
            person.save(update_fields=["is_active"])
            kind = StaffAction.Kind.REINSTATED if active else StaffAction.Kind.SUSPENDED
            staff_action_record(actor=actor, person=person, action=kind)
            changed += 1
    return changed
