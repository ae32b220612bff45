"""Events and the people who take part in them: the ground floor of the product above
``infrastructure``.

The name is historical: this app has nothing to do with HTTP sessions (``django.contrib.sessions``).
It holds the events (``Event``), their phases, their questionnaire (a ``Session`` is one session of
an event's programme, with its questions and options), their organisations and their people
(``Participant``): join links, invitations, sign-in by link, the people import, translations of the
questionnaire and the events' admin. The app label ``sessions_app`` is kept: tables, migrations and
admin URLs are named after it."""
