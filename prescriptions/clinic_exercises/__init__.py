"""A clinic's own exercises and each clinician's favourites: forms, workflows (services), views
and URLs (included by ``prescriptions/urls.py`` in the ``prescriptions`` namespace)."""
