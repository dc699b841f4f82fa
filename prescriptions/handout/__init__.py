"""The handout pipeline: a program frozen and printed, and the links and emails that carry it.

Each module answers one question, and data flows one way:

- ``snapshot``: what exactly does the patient read? (the only module that reads the database)
- ``context``: what does the template need to show a snapshot on paper or on a phone? (pure)
- ``fetcher``: which files may the PDF renderer read? (a policy: project files only)
- ``pdf``: how does a snapshot become PDF bytes? (the only module that imports WeasyPrint)
- ``weasyprint_replay``: the speed-ups that rely on WeasyPrint's internals, behind a version check
- ``links``: how is a patient link minted, and until when does it work?
- ``delivery``: how does a handout reach the patient by email? (a background task)
- ``issue``: how does a program become its next numbered version, exactly once?
"""
