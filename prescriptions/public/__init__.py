"""The patient's private link (``/p/<token>/``, namespace ``public``): no account, the token is the key.

``gate`` is the one way in for every view that answers through a link, here or in an app above
(the patient's logs, outcome measures); ``views`` renders the patient page, its PDF and pictures.
"""
