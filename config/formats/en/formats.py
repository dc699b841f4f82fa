# English dates as HomeRx has always printed them ("7 December 2026", "7 Dec 2026"): day first,
# never the ambiguous "12/07/2026". Templates name the format (DATE_FORMAT, SHORT_DATE_FORMAT),
# so every other language gets its own order from Django's locale formats.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
