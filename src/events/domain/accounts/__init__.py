"""Accounts: users, sign-in, roles and per-event grants, and upload invitations."""
