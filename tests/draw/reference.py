#!/usr/bin/env python3
"""Reference implementation of firewarden-draw-v1 (docs: specs/draw-v1.md).

Written from the specification alone, as plainly as possible, so that it
can check the C engine (src/domain/draw*.c) and so that anyone can re-run a
published draw without the platform:

    reference.py run INPUT.json [--public]   print the bundle of a draw
    reference.py verify BUNDLE.json          print "valid" or the first
                                             difference (exit 0 / 1)

INPUT.json is a bundle without the computed fields (candidates_hash,
roster_hash, seed, selected, unassigned).  SM3 comes from hashlib when the
local OpenSSL offers it, else from the `openssl dgst -sm3` command.
Only the Python standard library is used.
"""

import hashlib
import json
import subprocess
import sys

VERSION = "firewarden-draw-v1"
INPUT_FIELDS = ["version", "plan_id", "beacon", "quotas", "team", "max_load",
                "candidates", "inspectors", "conflicts"]
COMPUTED_FIELDS = ["candidates_hash", "roster_hash", "seed", "selected",
                   "unassigned"]


class DrawError(Exception):
    """The input breaks a rule; the message names the field."""


def _sm3_openssl(data):
    out = subprocess.run(["openssl", "dgst", "-sm3", "-binary"], input=data,
                         stdout=subprocess.PIPE, check=True).stdout
    return out


def _sm3_hashlib(data):
    return hashlib.new("sm3", data).digest()


try:
    hashlib.new("sm3", b"")
    sm3 = _sm3_hashlib
except ValueError:
    sm3 = _sm3_openssl


# ---------------------------------------------------------------- inputs

def check_name(value, field):
    """Spec "Inputs": printable ASCII, no tab, newline or comma."""
    if not isinstance(value, str):
        raise DrawError(f"{field}: must be a string")
    if value == "":
        raise DrawError(f"{field}: must not be empty")
    for ch in value:
        if ch == ",":
            raise DrawError(f"{field}: contains a comma")
        if not (0x20 <= ord(ch) <= 0x7E):
            raise DrawError(f"{field}: contains the non-printable "
                            f"character U+{ord(ch):04X}")


def check_count(value, field, low):
    if isinstance(value, bool) or not isinstance(value, int):
        raise DrawError(f"{field}: must be a whole number")
    if value < low:
        raise DrawError(f"{field}: must be {low} or more")


def check_input(doc):
    """The validation rules of the C engine (docs/modules/draw.md)."""
    check_name(doc["plan_id"], "plan_id")
    for k in ("source", "round", "value"):
        v = doc["beacon"][k]
        if not isinstance(v, str) or v == "":
            raise DrawError(f"beacon.{k}: must be a non-empty string")
    check_count(doc["max_load"], "max_load", 1)
    if not doc["team"]:
        raise DrawError("team: must not be empty")
    for n, t in enumerate(doc["team"]):
        check_name(t["department"], f"team[{n}].department")
        check_count(t["count"], f"team[{n}].count", 1)
    if not doc["candidates"]:
        raise DrawError("candidates: must not be empty")
    seen = set()
    for n, c in enumerate(doc["candidates"]):
        for k in ("id", "stratum", "area"):
            check_name(c[k], f"candidates[{n}].{k}")
        if c["id"] in seen:
            raise DrawError(f"candidates[{n}].id: duplicate candidate id "
                            f"\"{c['id']}\"")
        seen.add(c["id"])
    quotas = {}
    for n, q in enumerate(doc["quotas"]):
        check_name(q["stratum"], f"quotas[{n}].stratum")
        check_count(q["count"], f"quotas[{n}].count", 0)
        if q["stratum"] in quotas:
            raise DrawError(f"quotas[{n}].stratum: duplicate quota")
        quotas[q["stratum"]] = q["count"]
    strata = {c["stratum"] for c in doc["candidates"]}
    for s in sorted(strata):
        if s not in quotas:
            raise DrawError(f"no quota for stratum \"{s}\"")
    for s in quotas:
        if s not in strata:
            raise DrawError(f"quota for stratum \"{s}\" without candidates")
    if doc["inspectors"] is None:
        return
    seen = set()
    for n, i in enumerate(doc["inspectors"]):
        check_name(i["id"], f"inspectors[{n}].id")
        check_name(i["department"], f"inspectors[{n}].department")
        for m, a in enumerate(i["areas"]):
            check_name(a, f"inspectors[{n}].areas[{m}]")
        if len(set(i["areas"])) != len(i["areas"]):
            raise DrawError(f"inspectors[{n}].areas: duplicate area")
        if i["id"] in seen:
            raise DrawError(f"inspectors[{n}].id: duplicate inspector id "
                            f"\"{i['id']}\"")
        seen.add(i["id"])
    cands = {c["id"] for c in doc["candidates"]}
    pairs = set()
    for n, x in enumerate(doc["conflicts"]):
        check_name(x["inspector"], f"conflicts[{n}].inspector")
        check_name(x["candidate"], f"conflicts[{n}].candidate")
        if x["inspector"] not in seen:
            raise DrawError(f"conflicts[{n}].inspector: no such inspector")
        if x["candidate"] not in cands:
            raise DrawError(f"conflicts[{n}].candidate: no such candidate")
        p = (x["inspector"], x["candidate"])
        if p in pairs:
            raise DrawError(f"conflicts[{n}]: duplicate conflict")
        pairs.add(p)


# ------------------------------------------------------------ the steps

def candidate_lines(doc):
    """Section 1: the C lines, sorted by id (bytewise)."""
    cs = sorted(doc["candidates"], key=lambda c: c["id"].encode())
    return [f"C\t{c['id']}\t{c['stratum']}\t{c['area']}\n".encode()
            for c in cs]


def roster_lines(doc):
    """Section 1: C lines, then I lines, then X lines."""
    lines = candidate_lines(doc)
    for i in sorted(doc["inspectors"], key=lambda i: i["id"].encode()):
        areas = ",".join(sorted(i["areas"], key=lambda a: a.encode()))
        lines.append(f"I\t{i['id']}\t{i['department']}\t{areas}\n".encode())
    xs = [f"X\t{x['inspector']}\t{x['candidate']}\n".encode()
          for x in doc["conflicts"]]
    lines.extend(sorted(xs))
    return lines


def seed_of(plan_id, roster_hash_hex, beacon_value):
    """Section 3."""
    return sm3(VERSION.encode() + b"\x00" + plan_id.encode() + b"\x00" +
               roster_hash_hex.encode() + b"\x00" + beacon_value.encode())


def key_c(seed, cid):
    """Section 4: key(c) = SM3(seed || 0x01 || c.id)."""
    return sm3(seed + b"\x01" + cid.encode())


def key_ci(seed, cid, iid):
    """Section 5: key(c, i) = SM3(seed || 0x02 || c.id || 0x00 || i.id)."""
    return sm3(seed + b"\x02" + cid.encode() + b"\x00" + iid.encode())


def select(doc, seed):
    """Section 4: per stratum the count smallest keys (ties by id); then
    all selected together in ascending key order (section 5)."""
    quota = {q["stratum"]: q["count"] for q in doc["quotas"]}
    by_stratum = {}
    for c in doc["candidates"]:
        k = key_c(seed, c["id"])
        by_stratum.setdefault(c["stratum"], []).append((k, c["id"].encode(),
                                                        c))
    chosen = []
    for s, members in by_stratum.items():
        members.sort(key=lambda t: (t[0], t[1]))
        chosen.extend(members[:quota[s]])
    chosen.sort(key=lambda t: (t[0], t[1]))
    return [(k, c) for k, _, c in chosen]


def assign(doc, seed, chosen):
    """Section 5.  Returns the selected entries and the unassigned ids."""
    load = {i["id"]: 0 for i in doc["inspectors"]}
    conflicts = {(x["inspector"], x["candidate"]) for x in doc["conflicts"]}
    selected, unassigned = [], []
    for k, c in chosen:
        picked = []
        ok = True
        for member in doc["team"]:
            eligible = []
            for i in doc["inspectors"]:
                if i["department"] != member["department"]:
                    continue
                if c["area"] not in i["areas"]:
                    continue
                if (i["id"], c["id"]) in conflicts:
                    continue
                if load[i["id"]] >= doc["max_load"]:
                    continue
                if i["id"] in picked:
                    continue
                eligible.append((key_ci(seed, c["id"], i["id"]),
                                 i["id"].encode(), i["id"]))
            if len(eligible) < member["count"]:
                ok = False
                break
            eligible.sort(key=lambda t: (t[0], t[1]))
            picked.extend(t[2] for t in eligible[:member["count"]])
        if ok:
            for iid in picked:
                load[iid] += 1
        else:
            picked = []
            unassigned.append(c["id"])
        selected.append({"candidate": c["id"], "key": k.hex(),
                         "inspectors": picked})
    return selected, unassigned


def run(doc):
    """All steps on a full input; returns the computed fields."""
    check_input(doc)
    candidates_hash = sm3(b"".join(candidate_lines(doc))).hex()
    roster_hash = sm3(b"".join(roster_lines(doc))).hex()
    seed = seed_of(doc["plan_id"], roster_hash, doc["beacon"]["value"])
    selected, unassigned = assign(doc, seed, select(doc, seed))
    return {"candidates_hash": candidates_hash, "roster_hash": roster_hash,
            "seed": seed.hex(), "selected": selected,
            "unassigned": unassigned}


# ------------------------------------------------------------ the bundle

def _s(v):
    return json.dumps(v, ensure_ascii=False)


def _rows(name, rows, last=False):
    """A list of objects, one per line (the layout `firewarden draw run`
    prints, so that the two can be compared byte for byte)."""
    end = "" if last else ","
    if rows is None:
        return f'  "{name}": null{end}\n'
    if not rows:
        return f'  "{name}": []{end}\n'
    body = ",\n".join("    " + r for r in rows)
    return f'  "{name}": [\n{body}\n  ]{end}\n'


def bundle_text(doc, out, public=False):
    """The bundle (section 6) with lists in canonical order."""
    cands = sorted(doc["candidates"], key=lambda c: c["id"].encode())
    quotas = sorted(doc["quotas"], key=lambda q: q["stratum"].encode())
    t = "{\n"
    t += f'  "version": {_s(VERSION)},\n'
    t += f'  "plan_id": {_s(doc["plan_id"])},\n'
    b = doc["beacon"]
    t += (f'  "beacon": {{"source": {_s(b["source"])}, "round": '
          f'{_s(b["round"])}, "value": {_s(b["value"])}}},\n')
    t += _rows("quotas", [f'{{"stratum": {_s(q["stratum"])}, "count": '
                          f'{q["count"]}}}' for q in quotas])
    t += _rows("team", [f'{{"department": {_s(m["department"])}, "count": '
                        f'{m["count"]}}}' for m in doc["team"]])
    t += f'  "max_load": {doc["max_load"]},\n'
    t += _rows("candidates", [f'{{"id": {_s(c["id"])}, "stratum": '
                              f'{_s(c["stratum"])}, "area": '
                              f'{_s(c["area"])}}}' for c in cands])
    if public:
        t += _rows("inspectors", None)
        t += _rows("conflicts", None)
    else:
        insps = sorted(doc["inspectors"], key=lambda i: i["id"].encode())
        rows = []
        for i in insps:
            areas = ", ".join(_s(a) for a in
                              sorted(i["areas"], key=lambda a: a.encode()))
            rows.append(f'{{"id": {_s(i["id"])}, "department": '
                        f'{_s(i["department"])}, "areas": [{areas}]}}')
        t += _rows("inspectors", rows)
        xs = sorted(doc["conflicts"], key=lambda x: (
            f"X\t{x['inspector']}\t{x['candidate']}\n".encode()))
        t += _rows("conflicts", [f'{{"inspector": {_s(x["inspector"])}, '
                                 f'"candidate": {_s(x["candidate"])}}}'
                                 for x in xs])
    t += f'  "candidates_hash": {_s(out["candidates_hash"])},\n'
    t += f'  "roster_hash": {_s(out["roster_hash"])},\n'
    t += f'  "seed": {_s(out["seed"])},\n'
    rows = []
    for s in out["selected"]:
        insp = ", ".join(_s(i) for i in s["inspectors"])
        rows.append(f'{{"candidate": {_s(s["candidate"])}, "key": '
                    f'{_s(s["key"])}, "inspectors": [{insp}]}}')
    t += _rows("selected", rows)
    t += _rows("unassigned", [_s(u) for u in out["unassigned"]], last=True)
    return t + "}\n"


def verify(doc):
    """The first difference between the bundle and a re-run, or None.
    A public bundle (inspectors and conflicts null) checks the candidates
    hash, the seed from the published roster hash and the selection."""
    if doc.get("version") != VERSION:
        return f"version: expected \"{VERSION}\""
    public = doc["inspectors"] is None
    if public:
        check_input(doc)
        want = {"candidates_hash": sm3(b"".join(candidate_lines(doc))).hex()}
        seed = seed_of(doc["plan_id"], doc["roster_hash"],
                       doc["beacon"]["value"])
        want["seed"] = seed.hex()
        want["selected"] = [{"candidate": c["id"], "key": k.hex()}
                            for k, c in select(doc, seed)]
    else:
        want = run(doc)
    for f in ("candidates_hash", "roster_hash", "seed"):
        if f in want and want[f] != doc[f]:
            return f"{f}: expected \"{want[f]}\", bundle has \"{doc[f]}\""
    got = doc["selected"]
    for n, (w, g) in enumerate(zip(want["selected"], got)):
        for f in ("candidate", "key"):
            if w[f] != g[f]:
                return (f"selected[{n}].{f}: expected {_s(w[f])}, bundle "
                        f"has {_s(g[f])}")
        # The spec fixes which inspectors, not their order in the list.
        if "inspectors" in w and sorted(w["inspectors"]) != \
                sorted(g["inspectors"]):
            return (f"selected[{n}].inspectors: expected "
                    f"{_s(w['inspectors'])}, bundle has "
                    f"{_s(g['inspectors'])}")
    if len(want["selected"]) != len(got):
        return (f"selected: expected {len(want['selected'])} entries, "
                f"bundle has {len(got)}")
    if not public and sorted(want["unassigned"]) != sorted(doc["unassigned"]):
        return (f"unassigned: expected {_s(want['unassigned'])}, bundle "
                f"has {_s(doc['unassigned'])}")
    return None


def main(argv):
    if len(argv) < 3 or argv[1] not in ("run", "verify"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        with open(argv[2], "rb") as f:
            doc = json.loads(f.read().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"{argv[2]}: {exc}", file=sys.stderr)
        return 2
    if not isinstance(doc, dict):
        print(f"{argv[2]}: not a JSON object", file=sys.stderr)
        return 2
    try:
        if argv[1] == "run":
            for f in COMPUTED_FIELDS:
                if f in doc:
                    raise DrawError(f"{f}: computed, not an input")
            sys.stdout.write(bundle_text(doc, run(doc),
                                         public="--public" in argv[3:]))
            return 0
        diff = verify(doc)
    except DrawError as exc:
        print(f"invalid: {exc}")
        return 1
    except (KeyError, TypeError, AttributeError) as exc:
        print(f"invalid: missing or mistyped field ({exc!r})")
        return 1
    if diff is not None:
        print(f"invalid: {diff}")
        return 1
    print("valid")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
