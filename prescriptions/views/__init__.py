"""The clinician's pages of a program, one module per thing they work on.

The builder: ``builder`` (the page, its item list and search), ``items``, ``programs``,
``templates``, ``clearance``; shared by them, ``lookups`` (every object through
``Program.objects.for_user``: another clinic's is a 404) and ``revision`` (the version each
change names). The handout: ``panel`` (versions, links and emails, and what each handout action
answers with), ``issue``, ``downloads``, ``links``, ``emails``.

Every view answers a plain form POST with a redirect (works without JavaScript) and an HTMX
request with the partial template it re-renders.
"""
