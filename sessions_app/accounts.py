"""The sign-in accounts of organisers and coordinators (allauth): sign-up only when allowed, and
login limits counted per client address and account."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from infrastructure.ratelimit import client_address


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return settings.ACCOUNT_ALLOW_SIGNUPS

    def get_client_ip(self, request):
        # The login limits count per address the same way the join limit does (TRUSTED_PROXIES).
        return client_address(request)

    def _get_login_attempts_cache_key(self, request, **credentials):
        # The "key" of ACCOUNT_RATE_LIMITS["login_failed"] is the address *and* the account: someone
        # guessing an organiser's password from one address is stopped, but cannot lock the
        # organiser out of their own account from everywhere else.
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"{client_address(request)}:{login}"
