"""Shared by the store tests: run every named query on a remote store and on the embedded
engine with parameter values taken from the seeds, and require identical rows."""
from kg.query import list_queries, run_query

DOCS = ["000_69ad9ab762b26814.txt", "001_15eb9a7c720f71b1.txt", "002_d9a362fbed6fc341.txt",
        "003_14e99ec946930a51.txt", "004_d6ec991cb5fe69dc.txt"]
# Parameter values from the seeds; case i of a query takes value i (cycling) of each parameter.
VALUES = {
    "area": ["深圳市", "广州市", "赣州市", "广东省", "杭州市"],
    "indicator": ["pm25", "good_air_days_ratio", "surface_water_good_ratio"],
    "doc": DOCS,
    "year": ["2023", "2022"],
    "recipient": ["广州市生态环境局", "从化区", "济南市"],
    "issuer": ["广州市", "赣州市", "济南市"],
}


def cases(query):
    """Parameter sets for a query: required parameters only, then every parameter, cycling values."""
    if not query.params:
        return [{}]
    n = max(len(VALUES[p.name]) for p in query.params)
    out = []
    for i in range(n):
        required = {p.name: VALUES[p.name][i % len(VALUES[p.name])] for p in query.params if p.required}
        every = {p.name: VALUES[p.name][i % len(VALUES[p.name])] for p in query.params}
        out += [required, every] if required != every else [required]
    return out


def assert_same_results(embedded, remote):
    """Every named query, every parameter set: the same columns and the same terms, row for row."""
    for query in list_queries():
        total = 0
        for params in cases(query):
            ours, theirs = run_query(embedded, query, params), run_query(remote, query, params)
            assert theirs.columns == ours.columns, query.name
            for i, (a, b) in enumerate(zip(ours.terms, theirs.terms)):
                assert a == b, f"{query.name} {params} row {i}:\n  kg query: {a}\n  store:    {b}"
            assert len(theirs) == len(ours), f"{query.name} {params}: {len(theirs)} rows, expected {len(ours)}"
            total += len(ours)
        assert total > 0, f"{query.name}: no rows for any parameter set; pick values from the seeds"
