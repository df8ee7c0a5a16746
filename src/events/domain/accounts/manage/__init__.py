"""Accounts' management pages: signing in and out (sign_in.py), users and their grants (users.py)."""
