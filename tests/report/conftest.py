import pytest

from narratrace.model import Article, ImageRef

PAYLOADS = [
    "<script>window.__pwned = 1; alert('script')</script>",
    "<img src=x onerror=\"window.__pwned = 2; alert('onerror')\">",
    "<a href=\"javascript:alert('href')\">click me</a>",
    "</script><script>window.__pwned = 3; alert('breakout')</script>",
    "\"><svg onload=alert('svg')>",
    "<iframe srcdoc=\"<script>parent.__pwned=4</script>\"></iframe>",
    "<style>body{display:none}</style>",
    "{{ 7*7 }} {% raw %}",
    "<!-- <script>alert('comment')</script> -->",
    "\u2028<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('meta')\">",
]


@pytest.fixture
def hostile_article() -> Article:
    body = "\n\n".join(
        f"The ministry allegedly said {p} according to the Northern Gazette. (Photo: {p[:30]})" for p in PAYLOADS
    )
    return Article(
        text="<script>alert('title')</script> Headline\n\n" + body,
        title="<script>alert('title')</script>",
        authors=["<img src=x onerror=alert('author')>"],
        url="javascript:alert('url')",
        outlet="<b onmouseover=alert('outlet')>X</b>",
        images=[ImageRef(src="javascript:alert('img')", alt="<script>alert('alt')</script>",
                         caption="\"><script>alert('caption')</script>")],
        metadata={"first_published_on": {"value": "<script>alert('fp')</script>", "start": 0, "end": 5}},
    )
