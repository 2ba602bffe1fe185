"""Asset bodies are Markdown rendered to HTML that cannot run code in a reader's browser."""

import pytest

from content.markdown import render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))" onclick="steal()">hi</div>',
    "<svg/onload=alert(1)>",
    "[x](JaVaScRiPt:alert(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_is_neutralised(source):
    html = render_markdown(source).lower()
    assert "<script" not in html
    assert "onerror" not in html and "onclick" not in html and "onload" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html and "data:text/html" not in html
    assert "style=" not in html


def test_ordinary_markdown_keeps_its_structure():
    html = render_markdown("# Title\n\n**Bold** and a [link](https://example.com).\n\n- one\n- two")
    assert "<h1>Title</h1>" in html
    assert "<strong>Bold</strong>" in html
    assert 'href="https://example.com"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "<li>one</li>" in html


def test_a_text_is_rendered_once_per_worker_and_a_long_one_every_time(monkeypatch):
    import content.markdown as module

    rendered = []
    original = module.md.markdown
    monkeypatch.setattr(module.md, "markdown", lambda text, **kw: rendered.append(text) or original(text, **kw))
    module._kept_html.cache_clear()
    short = "A *kept* body"
    assert render_markdown(short) == render_markdown(short) == "<p>A <em>kept</em> body</p>"
    assert rendered == [short]
    long = "word " * (module.KEPT_TEXT_MAX_CHARS // 5 + 1)
    render_markdown(long)
    render_markdown(long)
    assert rendered == [short, long, long]
    assert render_markdown(None) == ""
    hostile = render_markdown(HOSTILE[0])  # kept or not, it is the sanitised HTML
    assert "<script" not in render_markdown(HOSTILE[0]) and hostile == render_markdown(HOSTILE[0])
