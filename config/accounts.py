"""allauth in Attune's words: the errors its forms show, and how a person is named (by their email address;
the username allauth keeps is internal and never shown)."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter


def user_display(user) -> str:
    return user.email


class AccountAdapter(DefaultAccountAdapter):
    error_messages = DefaultAccountAdapter.error_messages | {
        "account_inactive": "This account can’t be used right now.",
        "cannot_remove_primary_email": "This is the address Attune writes to. Choose another one for that first.",
        "duplicate_email": "This address is already on your account.",
        "email_password_mismatch": "That email address and password are not correct together. Check both and "
        "try again, or choose a new password.",
        "email_taken": "This address already belongs to an Attune account.",
        "enter_current_password": "Type your current password.",
        "incorrect_code": "That code isn’t right. Check it against the email, or ask for a new one.",
        "incorrect_password": "That password isn’t right.",
        "invalid_or_expired_key": "This link has expired or was already used.",
        "invalid_login": "That didn’t work. Check what you typed and try again.",
        "invalid_password_reset": "This link has expired or was already used. Ask for a new one.",
        "max_email_addresses": "An account can hold at most %d email addresses.",
        "too_many_login_attempts": "Too many failed login attempts. Wait a few minutes, then try again.",
        "unknown_email": "No Attune account uses this address.",
        "unverified_primary_email": "Please confirm this address first.",
        "select_only_one": "Choose just one.",
        "same_as_current": "That’s what it is already.",
        "rate_limited": "That’s a lot of tries in a short time. Wait a few minutes, then try again.",
    }

    def is_safe_url(self, url):
        # allauth parses `next` before checking it, and a value that is no URL at all (`http://[`) would raise:
        # such a `next` is simply not followed.
        try:
            return super().is_safe_url(url)
        except ValueError:
            return False


class MFAAdapter(DefaultMFAAdapter):
    error_messages = DefaultMFAAdapter.error_messages | {
        "add_email_blocked": "While two-factor authentication is on, turn it off before adding an address.",
        "cannot_delete_authenticator": "Two-factor authentication can’t be turned off here.",
        "cannot_generate_recovery_codes": "Recovery codes come with an authenticator app: turn one on first.",
        "incorrect_code": "That code isn’t right. Type the one your app shows now.",
        "unverified_email": "Confirm your email address first, then turn on two-factor authentication.",
    }
