"""The directory as CSV, for council staff: export people and organisations, import them back.

An import is checked in full before anything is written: the upload is kept in the storage's staging
folder under a random token tied to the user (``staging``) and shown as a preview (``plan``: rows to
create, rows matched to a record with the reason and what would change, rows rejected with the reason).
Confirming reads the file again, checks it again and applies it (``apply``) in the request's one
transaction through the people service, organisations first. A rejected row is never written, not even
in part. ``format`` reads and writes the files; ``matching`` finds the records a row names.
"""
