"""Writes of the live quiz. Each action changes the state and then (after commit) tells
the sockets that should know — the one write path, Zulip-style."""
