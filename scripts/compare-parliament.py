"""parliament and `iamform lint` side by side over the AWS managed policies moto ships.

Run by scripts/compare-parliament.sh with the Python of the venv that holds parliament:

    python compare-parliament.py --iamform BIN --moto-file aws_managed_policies.py \
        --catalog src/catalog/actions.bin --pinned tests/policy/parliament-resource-mismatch.txt

Prints, per class of finding, how many parliament reports, how many iamform reports and how many
both report; then checks that every RESOURCE_MISMATCH of parliament is either reported by iamform
(resource-mismatch, same statement, same action) or listed in the pinned file with its reason.
The check fails when a miss is not listed (a regression, or parliament found something new) and
when a listed entry is no longer a miss (the list must not go stale). IAMFORM_BLESS=1 rewrites
the list from what this run found; review the difference before committing it.

parliament is given one statement at a time, so that its findings and iamform's (numbered as
written) name the same statement.
"""

import argparse
import collections
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zlib

from parliament import analyze_policy_string
from parliament.statement import get_privilege_info

# What each reason in the pinned file means (the README quotes these).
REASONS = {
    "pattern-partly-fits": "the action comes from a wildcard whose other actions fit the resources; "
    "iamform reports a pattern only when none of its actions fits",
    "parliament-data-older": "parliament's copy of the Service Authorization Reference gives the "
    "action other resource types than the catalog does (it lacks the type the resource fits, or "
    "says the action takes only `*`)",
    "every-required-type": "parliament wants a resource of each type it marks required; iamform "
    "wants one resource the action can use, and one of the statement's fits another of its types",
    "parliament-stricter-match": "the resource can name a resource of that type, but parliament's "
    "matching says no: it rejects an empty account or region where the pattern has a placeholder "
    "(AWS-owned SSM documents and parameters have none), a wildcard in the resource type "
    "(`arn:aws:forecast:*:*:*Canvas*`), and a `:` in the resource part where the pattern has none "
    "(`space/${sagemaker:DomainId}/*`)",
    "several-pages": "the prefix is documented on several pages (e.g. ELB Classic and v2) and the "
    "catalog may lack some of the action's types: iamform accepts any resource type of the service",
    "unknown-to-catalog": "the catalog has no such action (iamform reports unknown-action instead)",
}


def managed_policies(moto_file):
    """Name -> document, from moto's `aws_managed_policies_data = \"\"\"{...}\"\"\"`."""
    source = open(moto_file, encoding="utf-8").read()
    start = source.index('"""') + 3
    end = source.rindex('"""')
    data = json.loads(source[start:end])
    return {name: p["Document"] for name, p in sorted(data.items())}


def statements(doc):
    s = doc.get("Statement", [])
    return s if isinstance(s, list) else [s]


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def catalog_actions(path):
    """`prefix:action` (lowercase) -> (service prefix, [[ARN patterns] of each resource type],
    [condition keys it supports], whether the prefix has several pages), from actions.bin (format:
    scripts/gen-catalog.mjs)."""
    text = zlib.decompress(open(path, "rb").read()).decode("utf-8")
    out = {}
    prefix, keys, types, merged = None, [], [], False
    idx = lambda field: [int(k) for k in field.split(",") if k]
    for line in text.split("\n"):
        fields = line.split("\t")
        if fields[0] == "S":
            prefix, keys, types, merged = fields[1], [], [], fields[3:4] == ["M"]
        elif fields[0] == "K":
            keys = fields[1:]
        elif fields[0] == "R":
            types.append((fields[3:], idx(fields[2])))
        elif fields[0] == "A":
            supported = idx(fields[3])
            of = []
            for r in (r for r in fields[4].split(";") if r):
                m = re.match(r"(\d+)!?(?:=(.*))?$", r)
                patterns, type_keys = types[int(m.group(1))]
                of.append(patterns)
                supported += type_keys + idx(m.group(2) or "")
            out[f"{prefix}:{fields[1]}".lower()] = (prefix, of, [keys[k] for k in supported], merged)
    return out


def key_matches(catalog_key, key):
    """A catalog key's `${X}` / `<x>` placeholders stand for any text; case is ignored."""
    pattern = re.sub(r"\$\{[^}]*\}|<[^>]*>", "*", catalog_key).lower()
    return fnmatch.fnmatchcase(key.lower(), pattern)


# Whether a policy resource can name a resource of an ARN pattern: the rules of
# src/catalog/arn.rs, used here only to tell the reasons apart (iamform's verdict comes from
# iamform). Tokens: (one?, class) with class a character, "any" or "noslash".
NO_SLASH = {("s3", "BucketName"), ("dynamodb", "TableName"), ("dynamodb", "IndexName")}


def pattern_segments(service, text):
    segs, rest = [[]], text
    while rest:
        m = re.match(r"\$\{([^}]*)\}", rest)
        if m:
            if len(segs) <= 5:
                segs[-1].append((False, "any"))
            else:
                cls = "noslash" if (service, m.group(1)) in NO_SLASH else "any"
                segs[-1] += [(True, cls), (False, cls)]
            rest = rest[m.end():]
            continue
        c, rest = rest[0], rest[1:]
        if c == ":" and len(segs) <= 5:
            segs.append([])
        elif c == "*":
            segs[-1].append((False, "any"))
        else:
            segs[-1].append((True, c))
    return segs


def resource_tokens(text):
    toks, rest = [], text
    while rest:
        m = re.match(r"\$\{([^}]*)\}", rest)
        if m:
            v = m.group(1)
            toks.append((True, v) if v in ("*", "?", "$") else (False, "any"))
            rest = rest[m.end():]
            continue
        c, rest = rest[0], rest[1:]
        toks.append((False, "any") if c == "*" else (True, "any") if c == "?" else (True, c))
    if sum(1 for t in toks if t == (True, ":")) < 5:
        return None, toks
    segs = [[]]
    for t in toks:
        if t == (True, ":") and len(segs) < 6:
            segs.append([])
        else:
            segs[-1].append(t)
    return segs, toks


def meets(a, b):
    if len(a) == 1 and len(b) == 1:
        return a == b
    if "noslash" in (a, b):
        other = b if a == "noslash" else a
        return other != "/"
    return True


def overlap(a, b):
    seen, stack = set(), [(0, 0)]
    while stack:
        i, j = stack.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and not a[i][0]:
            stack.append((i + 1, j))
        if j < len(b) and not b[j][0]:
            stack.append((i, j + 1))
        if i < len(a) and j < len(b) and meets(a[i][1], b[j][1]):
            ni, nj = (i + 1 if a[i][0] else i), (j + 1 if b[j][0] else j)
            if (ni, nj) != (i, j):
                stack.append((ni, nj))
    return False


def joined(segs):
    out = []
    for n, s in enumerate(segs):
        if n:
            out.append((True, ":"))
        out += s
    return out


def fits(service, pattern, resource):
    p = pattern_segments(service, pattern)
    segs, toks = resource_tokens(resource)
    if segs is not None and len(p) == 6:
        return all(overlap(x, y) for x, y in zip(p, segs))
    return overlap(joined(p), toks if segs is None else joined(segs))


def run_iamform(binary, files):
    """iamform lint --document over `files`; the report's findings."""
    args = [binary, "lint", "--format", "json"]
    for f in files:
        args += ["--document", f]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"iamform lint failed ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout)["findings"]


def where(finding, names):
    """(policy, statement) of an iamform finding on `DIR/N.json statement[S]`."""
    m = re.match(r"(.*) statement\[(\d+)\]$", finding["address"])
    return names[m.group(1)], int(m.group(2))


def parliament_findings(policies):
    """(policy, statement, issue, detail) for every finding, one statement at a time."""
    out = []
    for name, doc in policies.items():
        for i, st in enumerate(statements(doc)):
            single = {"Version": doc.get("Version", "2012-10-17"), "Statement": [st]}
            try:
                found = analyze_policy_string(json.dumps(single)).findings
            except Exception as e:  # parliament 1.6.4 fails on types it does not know (ArrayOfARN)
                out.append((name, i, "EXCEPTION", str(e)))
                continue
            for f in found:
                out.append((name, i, f.issue, f.detail))
    return out


def table(rows):
    widths = [max(len(str(r[c])) for r in rows) for c in range(len(rows[0]))]
    for r in rows:
        print("  " + "  ".join(str(v).ljust(w) if c == 0 else str(v).rjust(w) for c, (v, w) in enumerate(zip(r, widths))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iamform", required=True)
    ap.add_argument("--moto-file", required=True)
    ap.add_argument("--catalog", required=True)
    ap.add_argument("--pinned", required=True)
    args = ap.parse_args()

    policies = managed_policies(args.moto_file)
    catalog = catalog_actions(args.catalog)
    workdir = tempfile.TemporaryDirectory(prefix="iamform-parliament-")
    tmp = workdir.name
    names = {}
    files = []
    for n, (name, doc) in enumerate(policies.items()):
        path = os.path.join(tmp, f"{n}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
        names[path] = name
        files.append(path)

    t0 = time.time()
    ours = run_iamform(args.iamform, files)
    t1 = time.time()
    theirs = parliament_findings(policies)
    t2 = time.time()
    n_statements = sum(len(statements(d)) for d in policies.values())
    print(
        f"{len(policies)} AWS managed policies, {n_statements} statements: "
        f"iamform lint {t1 - t0:.1f} s, parliament {t2 - t1:.1f} s"
    )

    # Each class compared on the same keys: (policy, statement, what).
    def ours_by(rules, what):
        keys = set()
        for f in ours:
            if f["rule"] in rules:
                p, s = where(f, names)
                keys.update((p, s, w) for w in what(f))
        return keys

    def quoted(f):
        return [f["message"].split("`")[1]]

    rm_theirs = set()
    for p, s, issue, detail in theirs:
        if issue == "RESOURCE_MISMATCH":
            rm_theirs.update((p, s, d["action"].lower()) for d in detail)
    rm_ours = ours_by({"resource-mismatch"}, lambda f: [a.lower() for a in f.get("actions", [])])

    def theirs_by(issue, what):
        return {(p, s, what(d)) for p, s, i, d in theirs if i == issue}

    prefix_theirs = theirs_by("UNKNOWN_PREFIX", lambda d: d.split()[-1].lower())
    prefix_ours = ours_by(
        {"unknown-service", "retired-service"}, lambda f: [quoted(f)[0].split(":")[0].lower()]
    )
    action_theirs = theirs_by("UNKNOWN_ACTION", lambda d: d.split()[-1].lower())
    action_ours = ours_by(
        {"unknown-action", "pattern-matches-nothing"}, lambda f: [quoted(f)[0].lower()]
    )
    key_theirs = theirs_by("UNKNOWN_CONDITION_FOR_ACTION", lambda d: d.split()[2].lower())
    key_ours = ours_by(
        {"condition-key-not-applicable", "unknown-condition-key"},
        lambda f: [quoted(f)[0].lower()],
    )
    rows = [("class (compared on)", "parliament", "iamform", "both", "parliament only", "iamform only")]
    for label, a, b in [
        ("RESOURCE_MISMATCH / resource-mismatch (statement, action)", rm_theirs, rm_ours),
        ("UNKNOWN_CONDITION_FOR_ACTION / condition-key-* (statement, key)", key_theirs, key_ours),
        ("UNKNOWN_PREFIX / unknown-, retired-service (statement, prefix)", prefix_theirs, prefix_ours),
        ("UNKNOWN_ACTION / unknown-action, pattern-matches-nothing (statement, action)", action_theirs, action_ours),
    ]:
        rows.append((label, len(a), len(b), len(a & b), len(a - b), len(b - a)))
    print("\nAgreement per class of finding:")
    table(rows)
    others = collections.Counter(i for _, _, i, _ in theirs if i not in {
        "RESOURCE_MISMATCH", "UNKNOWN_PREFIX", "UNKNOWN_ACTION", "UNKNOWN_CONDITION_FOR_ACTION"})
    print("\nparliament's other findings (statements): " + ", ".join(f"{k} {v}" for k, v in sorted(others.items())))

    # Why the other classes differ, counted (the README explains them).
    def why(label, counts):
        print(f"\n{label}:")
        for k, n in sorted(counts.items(), key=lambda x: -x[1]):
            print(f"  {n:5}  {k}")

    prefixes = {a.split(":")[0] for a in catalog}
    why("UNKNOWN_PREFIX that iamform does not report", collections.Counter(
        "the catalog has the prefix (parliament's data predates it)" if x in prefixes else "other"
        for _, _, x in prefix_theirs - prefix_ours))
    retired_keys = ours_by({"retired-service"}, lambda f: [quoted(f)[0].split(":")[0].lower()])
    why("unknown-service / retired-service that parliament does not report", collections.Counter(
        "retired-service (parliament's data still lists the prefix)" if k in retired_keys
        else "unknown-service" for k in prefix_ours - prefix_theirs))
    def action_reason(x):
        if x in catalog:
            return "the catalog has the action (parliament's data predates it)"
        if x.split(":")[0] not in prefixes:
            return "its prefix is unknown or retired (reported as such)"
        if any(fnmatch.fnmatchcase(a, x) for a in catalog):
            return "a pattern that actions of the catalog match (parliament's data predates them)"
        return "other"

    why("UNKNOWN_ACTION that iamform does not report", collections.Counter(
        action_reason(x) for _, _, x in action_theirs - action_ours))
    def ours_action_reason(p, s, x):
        if (p, s, x.split(":")[0].lower()) in prefix_theirs:
            return "parliament does not know the prefix either (it reports UNKNOWN_PREFIX)"
        try:
            get_privilege_info(*x.split(":", 1))
            return "parliament's older data still has the action"
        except Exception:
            return "other"

    spelt_actions = {quoted(f)[0].lower(): quoted(f)[0] for f in ours if "`" in f["message"]}
    why("unknown-action / pattern-matches-nothing that parliament does not report", collections.Counter(
        ours_action_reason(p, s, spelt_actions.get(x, x)) for p, s, x in action_ours - action_theirs))
    why("condition keys iamform reports and parliament does not", collections.Counter(
        f"{x} in {p} statement[{s}]" for p, s, x in key_ours - key_theirs))

    crashed = {(p, s) for p, s, i, _ in theirs if i == "EXCEPTION"}

    spelt = {a.lower(): a for f in ours for a in f.get("actions", [])}

    stopped = {(p, s) for p, s, i, _ in theirs if i in ("UNKNOWN_ACTION", "UNKNOWN_PREFIX")}
    invalid = {(p, s) for p, s, i, _ in theirs if i == "INVALID_ARN"}

    def only_ours(p, s, a):
        if (p, s) in crashed:
            return "parliament fails on the statement (EXCEPTION)"
        try:
            info = get_privilege_info(*spelt.get(a, a).split(":", 1))
        except Exception:
            return "parliament's data predates the action"
        if (p, s) in stopped:
            return "parliament checks no resource of a statement with an action it does not know"
        if (p, s) in invalid:
            return "parliament checks no resource of a statement with a resource it calls invalid (INVALID_ARN)"
        types = [t["resource_type"] for t in info["resource_types"] if t["resource_type"]]
        if types and not any(t.endswith("*") for t in types):
            return "its resource types are all optional, and parliament checks only required ones"
        if not types and len(info["resource_types"]) > 1:
            return "parliament's data has several rows without a resource type for it, and then it checks nothing"
        return "other"

    why("resource-mismatch that parliament does not report", collections.Counter(
        only_ours(p, s, a) for p, s, a in rm_ours - rm_theirs))

    def key_reason(p, s, key):
        st = statements(policies[p])[s]
        if key.startswith("aws:"):
            return "a global `aws:` key (in every request; parliament's list of them is older)"
        actions = as_list(st.get("Action"))
        if not actions or "*" in actions:
            return "NotAction or `*`: iamform does not judge the statement's actions"
        expanded = [a for a in catalog if any(fnmatch.fnmatchcase(a, w.lower()) for w in actions)]
        having = [a for a in expanded if any(key_matches(k, key) for k in catalog[a][2])]
        if having and len(having) == len(expanded):
            return "the catalog gives every action of the statement the key (parliament's data predates it)"
        if having:
            return "some actions of the statement have the key, others not: iamform reports a key none has"
        if any(not any(fnmatch.fnmatchcase(a, w.lower()) for a in catalog) for w in actions):
            return "the statement has actions the catalog lacks: iamform does not judge it"
        if any(catalog[a][3] for a in expanded):
            return "a prefix documented on several pages: iamform accepts any key of the service"
        if key.split(":")[0] not in prefixes:
            return "another issuer's key (e.g. an OIDC provider's): not in the catalog, not checked"
        name = key.split(":", 1)[1]
        if name.startswith(("resourcetag/", "requesttag/")):
            return "a service's own ResourceTag/RequestTag key, which iamform does not judge"
        return "a key AWS adds to every request of a role session (ec2:SourceInstanceArn, …)"

    why("UNKNOWN_CONDITION_FOR_ACTION that iamform does not report", collections.Counter(
        key_reason(p, s, k) for p, s, k in key_theirs - key_ours))

    # Every RESOURCE_MISMATCH parliament reports and iamform does not, with its reason.
    misses = sorted(rm_theirs - rm_ours)
    required = {}
    for p, s, issue, detail in theirs:
        if issue == "RESOURCE_MISMATCH":
            for d in detail:
                required.setdefault((p, s, d["action"].lower()), []).append(d["required_format"])
    # Is the action alone, in its statement, reported by iamform? Then only its pattern hides it.
    alone_files, alone_keys = [], []
    for n, (p, s, a) in enumerate(misses):
        if a not in catalog:
            continue
        st = dict(statements(policies[p])[s])
        st["Action"] = [a]
        path = os.path.join(tmp, f"alone-{n}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"Version": "2012-10-17", "Statement": [st]}, f)
        alone_files.append(path)
        alone_keys.append((p, s, a))
    alone_reported = set()
    if alone_files:
        by_file = dict(zip(alone_files, alone_keys))
        for f in run_iamform(args.iamform, alone_files):
            if f["rule"] == "resource-mismatch" and f.get("actions"):
                alone_reported.add(by_file[f["address"].rsplit(" statement[", 1)[0]])

    def reason(p, s, a):
        if a not in catalog:
            return "unknown-to-catalog"
        if (p, s, a) in alone_reported:
            return "pattern-partly-fits"
        service, types, _, merged = catalog[a]
        if merged:
            return "several-pages"
        resources = as_list(statements(policies[p])[s].get("Resource"))
        star = lambda x: re.sub(r"\$\{.*?\}", "*", x)
        for r in required[(p, s, a)]:
            same = [t for t in types if r in {star(x) for x in t}]
            if r == "*" or not same:
                return "parliament-data-older"
            if any(fits(service, x, res) for t in same for x in t for res in resources):
                return "parliament-stricter-match"
        return "every-required-type"

    entries = collections.Counter()
    for p, s, a in misses:
        written = as_list(statements(policies[p])[s].get("Action"))
        w = next((w for w in written if fnmatch.fnmatchcase(a, w.lower())), a)
        entries[(reason(p, s, a), p, s, w)] += 1
    found = sorted(f"{r}\t{p} statement[{s}]\t{w}\t{n}" for (r, p, s, w), n in entries.items())
    by_reason = collections.Counter()
    for (r, _, _, _), n in entries.items():
        by_reason[r] += n
    print(
        f"\nparliament's RESOURCE_MISMATCH that iamform does not report: {len(misses)} (statement, action) pairs, "
        f"{len(found)} lines of {args.pinned}:"
    )
    for r, n in sorted(by_reason.items(), key=lambda x: -x[1]):
        print(f"  {r}: {n} ({sum(1 for e in entries if e[0] == r)} lines): {REASONS[r]}")

    if os.environ.get("IAMFORM_BLESS"):
        header = [
            "# parliament 1.6.4's RESOURCE_MISMATCH findings on moto's AWS managed policies that iamform lint does",
            "# not report, one line per statement and action as written (a wildcard stands for the actions it",
            "# expands to; the last field counts them): REASON<TAB>POLICY statement[N]<TAB>ACTION<TAB>COUNT.",
            "# Reasons:",
        ] + [f"#   {r}: {REASONS[r]}" for r in sorted(REASONS)] + [
            "# Regenerate with IAMFORM_BLESS=1 bash scripts/compare-parliament.sh after reviewing the difference.",
        ]
        with open(args.pinned, "w", encoding="utf-8") as f:
            f.write("\n".join(header + found) + "\n")
        print(f"wrote {args.pinned}")
        return 0
    expected = []
    if os.path.exists(args.pinned):
        expected = [
            l for l in open(args.pinned, encoding="utf-8").read().splitlines() if l and not l.startswith("#")
        ]
    new = sorted(set(found) - set(expected))
    stale = sorted(set(expected) - set(found))
    if new or stale:
        print(f"\n{args.pinned} is not current:", file=sys.stderr)
        for l in new:
            print(f"  + {l}", file=sys.stderr)
        for l in stale:
            print(f"  - {l}", file=sys.stderr)
        print(
            "review, then IAMFORM_BLESS=1 bash scripts/compare-parliament.sh",
            file=sys.stderr,
        )
        return 1
    print(f"\nevery RESOURCE_MISMATCH of parliament is reported by iamform or listed in {args.pinned}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
