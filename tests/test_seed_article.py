"""The seed article (read from ../shared, never copied): what the foundation must find."""

import json
import subprocess
import sys


def test_seed_article_analysis(seed_path, tmp_path):
    out = tmp_path / "out.json"
    result = subprocess.run(
        [sys.executable, "-m", "narratrace", "analyze", str(seed_path), "--json", str(out), "--no-store", "-q",
         "--stages", "language.v1,segment.v1,entities.v1,sources.v1,quotes.v1,hedges.v1"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    article = report["article"]
    text = article["text"]
    assert article["authors"] == ["Felix Abt"]
    assert article["published"].startswith("2025-02-08")
    assert article["metadata"]["first_published_on"]["value"] == "Ansage.org"

    sources = {s["name"]: s for s in report["sources"]}
    for outlet in ("New York Times", "ZDF", "Asia Times", "Daily Mail", "Global Bridge"):
        assert outlet in sources, f"{outlet} not found among {sorted(sources)}"
        assert sources[outlet]["kind"] == "outlet"
        for mention in sources[outlet]["mentions"]:
            assert text[mention["start"] : mention["end"]].replace(" ", "").lower() in (
                outlet.replace(" ", "").lower(), "nyt", "thenewyorktimes")

    credits = [(i["kind"], i["credit"], text[i["start"] : i["end"]]) for i in article["images"]]
    assert [c[1] for c in credits] == ["NYT", "ZDF", "RUTube", "DailyMail"]
    assert all(c[2].startswith("(") and c[2].endswith(")") and c[1] in c[2] for c in credits)

    assert report["language"] == "en"
    german = [p for p in report["paragraphs"] if p["lang"] == "de"]
    german_text = " ".join(text[p["start"] : p["end"]] for p in german)
    assert "Die Nato hat die Entsendung nordkoreanischer Soldaten" in german_text
    assert all(p["lang"] == "en" for p in report["paragraphs"] if "New York Times claims" in text[p["start"] : p["end"]])

    cues = {m["cue"].lower() for m in report["markers"]}
    assert {"allegedly", "without any evidence", "pretends to know better"} <= cues
