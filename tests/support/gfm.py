"""Render Markdown to HTML the way GitHub does, for the tests of the Markdown report.

GitHub renders pull-request comments and `$GITHUB_STEP_SUMMARY` with cmark-gfm, its fork
of cmark, with the GFM extensions on. This script runs the same library (the `cmarkgfm`
binding, pinned by scripts/test) with the extensions that can turn account text into
markup: autolink (bare `http://`, `https://`, `ftp://`, `www.` and e-mail addresses, with
their `mailto:` and `xmpp:` forms, become links), table (a `|` starts a new cell),
strikethrough (`~`) and tagfilter. Unlike GitHub it renders in UNSAFE mode, so that
raw HTML that got through the escaping appears in the output as the tag it is instead of
being dropped: a test that finds no `<a`, `<img` or other tag there than the report's own
has shown that the text stays text, whatever GitHub's sanitizer would later remove.

    python gfm.py [FILE]    # FILE, or standard input; the HTML on standard output
"""

import sys

import cmarkgfm
from cmarkgfm.cmark import Options

EXTENSIONS = ["autolink", "table", "strikethrough", "tagfilter"]


def render(markdown: str) -> str:
    return cmarkgfm.markdown_to_html_with_extensions(
        markdown, options=Options.CMARK_OPT_UNSAFE, extensions=EXTENSIONS
    )


def main() -> None:
    if len(sys.argv) > 2:
        sys.exit("usage: gfm.py [FILE]")
    if len(sys.argv) == 2:
        with open(sys.argv[1], encoding="utf-8") as f:
            text = f.read()
    else:
        text = sys.stdin.read()
    sys.stdout.write(render(text))


if __name__ == "__main__":
    main()
