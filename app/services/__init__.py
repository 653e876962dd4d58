"""The domain: what Mercator does, with no knowledge of HTTP or the terminal.

Each function takes a `Graph` and plain values, raises `app.errors` exceptions, and
returns plain data; the API blueprints and the CLI commands are thin twins over them.
"""
