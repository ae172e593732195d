import random
from datetime import UTC, datetime, timedelta

import pytest

from narratrace.corpus.dedup import (
    Deduplicator,
    DocRef,
    copy_map,
    find_duplicates,
    longest_shared_passage,
    normalize_url,
)
from narratrace.errors import ConfigError

BASE = (
    "The regional council of Amberlund voted on Tuesday to close the old harbour bridge after engineers found "
    "deep cracks in two of its pillars. Traffic will be diverted through the northern ring road for at least "
    "six months, the council said. Shop owners near the bridge warned that the closure would cost them customers "
    "and asked for compensation from the city budget."
)
OTHER = (
    "A new public library opened in the village of Sorrel Creek with a collection of twelve thousand books, "
    "a reading garden and a small cinema for children, funded by a local cooperative."
)


def d(i, text, outlet=None, day=1, url=None):
    return DocRef(i, text, url=url, outlet=outlet, published=datetime(2031, 1, day, tzinfo=UTC))


def test_normalize_url_strips_tracking_and_case():
    assert normalize_url("http://WWW.Example.com/a/?utm_medium=x&b=2#frag") == normalize_url("https://example.com/a?b=2")
    assert normalize_url("https://example.com/a?b=2") != normalize_url("https://example.com/a?b=3")


def test_exact_text_and_url_groups():
    groups = find_duplicates([
        d("a", BASE, "A", 1), d("b", BASE, "B", 2),
        d("c", OTHER, "C", 1, url="https://x.example/p?utm_source=t"), d("e", OTHER + " Updated.", "C", 3, url="http://www.x.example/p"),
    ])
    kinds = {tuple(g.members): g.kinds for g in groups}
    assert kinds[("a", "b")] == ["exact_text"]
    assert "exact_url" in kinds[("c", "e")]


def test_near_duplicate_with_changed_ending_but_not_unrelated():
    near = BASE.replace("from the city budget.", "from the regional budget, a spokesman said.")
    groups = find_duplicates([d("a", BASE, "A", 2), d("b", near, "B", 1), d("c", OTHER, "C")])
    assert len(groups) == 1
    g = groups[0]
    assert g.kinds == ["near"] and g.canonical == "b"  # earliest copy is canonical
    assert g.links[0].score >= 0.7


def test_wire_copy_shares_a_long_passage_only():
    wire = "Intro written by the local desk about the mood in town today. " * 3 + BASE + " " + OTHER * 2
    groups = find_duplicates([d("wire", BASE, "Agency"), d("local", wire, "Local", 2)])
    assert [g.kinds for g in groups] == [["wire"]]
    assert groups[0].outlets == ["Agency", "Local"]
    # a shared quotation of 20 words does not make a wire copy
    quote = " ".join(BASE.split()[:20])
    assert find_duplicates([d("x", OTHER + " " + quote), d("y", "Completely different report. " * 5 + quote)]) == []


def test_copy_map_points_to_canonical():
    groups = find_duplicates([d("a", BASE, "A", 1), d("b", BASE, "B", 2), d("c", BASE, "C", 3)])
    assert copy_map(groups) == {"a": "a", "b": "a", "c": "a"}


def test_longest_shared_passage():
    assert longest_shared_passage("a b c d e".split(), "x b c d y".split()) == 3


@pytest.mark.parametrize("kw", [{"threshold": 0.0}, {"threshold": 1.5}, {"wire_min_words": 5}, {"num_perm": 4},
                                {"containment": 1.5}])
def test_parameters_are_checked(kw):
    with pytest.raises(ConfigError):
        Deduplicator(**kw).fit([d("a", BASE)])


# --- planted-copy corpus: invented towns, bodies and outlets ---------------------------
# Each story has an original wire report, copies republished with a new headline, the
# credit line or the last paragraphs dropped, a note or "read also" lines added, or small
# edits (dateline, "said on"), and two reports written independently that quote one
# sentence of the original: copies must fold onto the original, the others must not.
TOWNS = ["Velora", "Amberlund", "Kestrow", "Maravel", "Dunmere", "Ostrava Bay", "Corvine", "Halden Ridge", "Pellan", "Brisk Harbour"]
PEOPLE = ["Ilsa Marrow", "Teodor Vance", "Mira Oskeen", "Jonah Petrel", "Anika Strand", "Rafe Colley", "Dalia Wrenn", "Oskar Fenn"]
BODIES = ["the Dravian Defence Ministry", "the Kestrow city council", "the Amberlund water authority", "the Maravel port office",
          "the Northern Rail company", "the Corvine police", "the regional health board", "the Pellan fire brigade"]
OUTLETS = ["Nordwire", "Morning Ledger", "Velora Post", "Harbour Times", "Kestrow Daily", "Eastline News", "The Courier", "Radio Dunmere"]
VERBS = ["closed", "inspected", "reopened", "evacuated", "repaired", "flooded", "sealed off", "cleared"]
THINGS = ["the old bridge", "the central station", "the harbour warehouse", "the north dam", "the market hall", "the power plant", "the ring road", "the school on Elm Street"]
TEMPL = [
    "{body} said on {day} that {thing} in {town} had been {verb} after {n} residents reported {problem}.",
    "{person}, a spokesperson for {body}, told reporters that the work would take at least {n} weeks.",
    "Engineers from {town} found {problem} in {thing} during an inspection on {day}, according to {body}.",
    "\"We are doing everything we can to keep people safe,\" {person} said, adding that {n} workers were on site.",
    "Residents of {town} were advised to avoid {thing} until further notice.",
    "The cost of the repairs was estimated at {n} million crowns, {body} said in a statement.",
    "Local shop owners near {thing} complained that the closure had cut their sales by {n} percent.",
    "{person} said the decision to act was taken after a meeting with {body} on {day}.",
    "It was the {nth} such incident in {town} this year, after {thing} was {verb} in {month}.",
    "Opposition members of the council called for an independent review of how {body} handled the matter.",
    "Traffic was diverted through {town2}, where queues of up to {n} minutes were reported.",
    "{body} has not said when {thing} will open again, and {person} declined to give a date.",
    "A report published by {body} in {month} had already warned of {problem} at {thing}.",
    "Police in {town} said no one had been injured, though {n} cars were damaged.",
]
OWN = [
    "Our reporter in {town} saw queues forming near {thing} as {body} kept the area closed.",
    "It is not yet clear who in {town} will pay for the work at {thing}.",
    "{person} has faced criticism before over the upkeep of {thing}.",
    "People we spoke to in {town} were angry and said they had warned {body} for years.",
    "The closure comes at a bad time for {town}, which hosts its spring fair next month.",
    "{body} did not answer our questions by the time of publication.",
    "Photos shared online showed {problem} along one side of {thing}.",
    "A local historian noted that {thing} was built more than {n} years ago.",
    "Bus lines {n} and {n2} will take a detour around {town} until the work is finished.",
    "Insurance experts said owners of houses near {thing} should document any damage now.",
]
PROBLEMS = ["deep cracks", "water leaks", "a gas smell", "loose cables", "falling masonry", "rising damp", "a burst main"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June"]
NOTES = ["Editor's note: this story was updated to include comments from the council.",
         "This article was first published by {src} and is republished under a content-sharing agreement.",
         "Correction: an earlier version of this report misstated the number of workers on site.",
         "Read more about the closure on our live page."]

WHEN = ["late on", "early on", "by midday on", "shortly after dawn on", "in the evening of", "before noon on"]
SAYS = ["officials said", "a witness said", "according to local media", "the mayor's office said", "a union leader said",
        "residents said", "an engineer told the paper", "a statement read", "police added", "neighbours said"]
ADJ = ["visible", "worrying", "serious", "minor", "unexpected", "long-standing", "new", "growing", "familiar", "sudden"]



def _sentence(rng, ctx, templates=TEMPL):
    t = rng.choice(templates)
    lead = rng.choice(["", "Meanwhile, ", "Separately, ", "Earlier, ", "At the same time, ", "On top of that, ", "As a result, "])
    tail = rng.choice(["", f", {rng.choice(SAYS)}", f" {rng.choice(WHEN)} {rng.choice(DAYS)}", f", {rng.choice(SAYS)} {rng.choice(WHEN)} {rng.choice(DAYS)}"])
    out = t.format(body=ctx["body"], town=ctx["town"], town2=rng.choice(TOWNS), thing=ctx["thing"], verb=rng.choice(VERBS),
                    n=rng.randint(2, 90), n2=rng.randint(2, 90), problem=rng.choice(PROBLEMS), person=ctx["person"], day=rng.choice(DAYS),
                    nth=rng.choice(["second", "third", "fourth"]), month=rng.choice(MONTHS)).replace("{problem}", "")
    out = out.replace(" reported ", f" reported {rng.choice(ADJ)} ").replace(" found ", f" found {rng.choice(ADJ)} ")
    return lead + out[:1].lower() + out[1:-1] + tail + "." if lead else out[:-1] + tail + "."



def _story_ctx(rng):
    return {"body": rng.choice(BODIES), "town": rng.choice(TOWNS), "thing": rng.choice(THINGS), "person": rng.choice(PEOPLE)}



def _article(rng, ctx, outlet, templates=TEMPL):
    paras = []
    short = rng.random() < 0.4
    for _ in range(rng.randint(3, 4) if short else rng.randint(4, 7)):
        paras.append(" ".join(_sentence(rng, ctx, templates) for _ in range(1 if short else rng.randint(1, 3))))
    paras[0] = f"{ctx['town'].upper()} ({outlet}) — " + paras[0]
    credit = f"Reporting by {rng.choice(PEOPLE)}; editing by {rng.choice(PEOPLE)}."
    headline = _sentence(rng, ctx).split(",")[0].rstrip(".")
    return headline, paras, credit



def _render(headline, paras, credit):
    return "\n\n".join([headline] + paras + ([credit] if credit else []))



def _copy_of(rng, headline, paras, credit, src):
    kind = rng.choice(["headline", "credit", "trim", "note", "trim+note", "headline+credit+trim", "links+trim", "edits+credit", "edits+links+note"])
    h, p, c = headline, list(paras), credit
    if "headline" in kind:
        h = _sentence(rng, {"body": rng.choice(BODIES), "town": rng.choice(TOWNS), "thing": rng.choice(THINGS), "person": rng.choice(PEOPLE)}).split(",")[0]
    if "credit" in kind or "trim" in kind:
        c = ""
    if "trim" in kind:
        p = p[: max(2, len(p) - rng.randint(1, 3))]
    if "edits" in kind:
        p = [x.replace(" said on ", " said ").replace(" percent", " per cent").replace("Meanwhile, ", "").replace(" told reporters", " said")
             .replace(" according to ", " said ").replace(f"({src}) — ", "— ") for x in p]
    if "links" in kind:
        q = []
        for i, x in enumerate(p):
            q.append(x)
            if i % 2 == 0:
                q.append(rng.choice(["READ ALSO: Floods hit the coast again", "Photo: archive", "Advertisement", "Related: council budget row deepens"]))
        p = q
    if "note" in kind:
        p.append(rng.choice(NOTES).format(src=src))
    return kind, _render(h, p, c)



def _corpus(seed=0, stories=60, copies_per=2, siblings=2):
    rng = random.Random(seed)
    docs, gold = [], {}
    t0 = datetime(2031, 3, 1, tzinfo=UTC)
    combos = rng.sample([(b, t, th) for b in BODIES for t in TOWNS for th in THINGS], stories)
    for s in range(stories):
        ctx = _story_ctx(rng)
        ctx["body"], ctx["town"], ctx["thing"] = combos[s]
        src = rng.choice(OUTLETS)
        h, p, c = _article(rng, ctx, src)
        orig = f"s{s}-orig"
        docs.append(DocRef(orig, _render(h, p, c), outlet=src, published=t0 + timedelta(days=s, hours=1)))
        for k in range(copies_per):
            kind, text = _copy_of(rng, h, p, c, src)
            cid = f"s{s}-copy{k}-{kind}"
            docs.append(DocRef(cid, text, outlet=rng.choice(OUTLETS), published=t0 + timedelta(days=s, hours=3 + k)))
            gold[cid] = orig
        for k in range(siblings):  # same story, written independently: must not fold
            o = rng.choice(OUTLETS)
            h2, p2, c2 = _article(rng, ctx, o, OWN[k::2])
            quoted = rng.choice([x for para in p[1:] for x in para.split(". ")]).rstrip(".") + "."
            p2.insert(1, quoted)  # quotes one sentence of the original report
            docs.append(DocRef(f"s{s}-own{k}", _render(h2, p2, c2), outlet=o, published=t0 + timedelta(days=s, hours=2 + k)))
    return docs, gold


@pytest.mark.parametrize("seed", [0, 1])
def test_trimmed_and_edited_copies_fold_onto_the_original(seed):
    docs, gold = _corpus(seed)
    groups = find_duplicates(docs)
    head = copy_map(groups)
    recall = sum(head.get(copy) == orig for copy, orig in gold.items()) / len(gold)
    assert recall >= 0.95
    false = [m for g in groups for m in g.members if m.split("-")[0] != g.canonical.split("-")[0] or "own" in m]
    assert false == []
    assert all(g.canonical.endswith("-orig") for g in groups)  # the earliest, the original, heads


def test_contained_link_for_a_trimmed_copy_with_a_note():
    original = BASE + " " + OTHER + " Reporting by Ilsa Marrow; editing by Oskar Fenn."
    trimmed = "Bridge shut in Amberlund\n\n" + BASE.replace("said. Shop", "said.\n\nREAD ALSO: Floods hit the coast\n\nShop") \
        + "\n\nEditor's note: this story was updated."
    groups = find_duplicates([d("orig", original, "Nordwire", 1), d("copy", trimmed, "Courier", 2)], wire_min_words=0)
    assert [g.members for g in groups] == [["orig", "copy"]]
    assert groups[0].kinds == ["contained"] and groups[0].links[0].score >= 0.55
    assert find_duplicates([d("orig", original, "Nordwire", 1), d("copy", trimmed, "Courier", 2)],
                           wire_min_words=0, containment=0.0) == []
