"""The search analyzer (app/search/analyzers.py)."""


def test_the_stem_memo_stays_out_of_the_index_schema() -> None:
    """Whoosh pickles the schema into the index's table of contents at each commit: the memo must not go with it."""
    import pickle

    from app.search.analyzers import FoldStemTokenizer

    tokenizer = FoldStemTokenizer()
    empty = len(pickle.dumps(tokenizer))
    for i in range(2000):
        tokenizer.stems(f"communautés{i}")
    assert len(pickle.dumps(tokenizer)) == empty
    copy = pickle.loads(pickle.dumps(tokenizer))
    assert copy.stems("communautés") == tokenizer.stems("communautés") and copy._cache.keys() == {"communautés"}
