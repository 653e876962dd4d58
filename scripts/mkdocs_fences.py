"""mkdocs hook: a shell block's tag (```sh runnable, ```sh machine) says to the test suite
whether it runs (tests/test_docs.py); Python-Markdown's fenced code takes no words after
the language, and without this it would render the block, and the page after it, as text."""

import re

_TAGGED = re.compile(r"^(```sh) (?:runnable|machine)[ \t]*$", re.M)


def on_page_markdown(markdown: str, **_: object) -> str:
    return _TAGGED.sub(r"\1", markdown)
