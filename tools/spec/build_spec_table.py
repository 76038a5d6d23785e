#!/usr/bin/env python3
"""Builds keyhold-protocol's KMIP spec table from the tables extracted from the OASIS specifications.

Run from the repository root with the shared conformance material beside it:

    python3 tools/spec/build_spec_table.py ../shared/conformance/spec-tables

It writes keyhold-protocol/src/main/resources/io/keyhold/protocol/spec/kmip-spec-table.csv, the one
source of truth for tags, item types, enumerations and masks in KMIP 1.0 to 2.1. The corrections
applied to defects of the extraction are listed in CORRECTIONS below and in docs/spec-table.md;
SpecTableCrossCheckTest checks the result against the extracted tables and the two independent ones.
"""
import csv
import io
import os
import re
import sys

VERSIONS = ['1.0', '1.1', '1.2', '1.3', '1.4', '2.0', '2.1']
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'keyhold-protocol', 'src', 'main', 'resources', 'io', 'keyhold',
                   'protocol', 'spec', 'kmip-spec-table.csv')

# (enumeration, extracted name) -> name as the specification spells it. The HTML extraction lost
# superscripts ("GF (2^16)" became "GF (216)"), a parenthesis and a table caption.
NAME_CORRECTIONS = {
    ('Split Key Method', 'Polynomial Sharing GF (216)'): 'Polynomial Sharing GF (2^16)',
    ('Split Key Method', 'Polynomial Sharing GF(216)'): 'Polynomial Sharing GF (2^16)',
    ('Split Key Method', 'Polynomial Sharing GF (28)'): 'Polynomial Sharing GF (2^8)',
    ('Certificate Type', '(PGP'): 'PGP',
    ('Mask Generator', 'MFG1'): 'MGF1',
}
ENUMERATION_CORRECTIONS = {
    'Recommended Curve Enumeration': 'Recommended Curve',
}

# Enumerations that the specification defines by reference to another standard (PKCS#11) and whose
# values the extracted tables therefore lack. Values from KMIP 2.0/2.1 section 11 (PKCS#11 Function:
# the position of the function in the PKCS#11 v2.40 function list; PKCS#11 Return Code: CKR_* values).
EXTRA_ENUMERATIONS_FILE = os.path.join(HERE, 'extra-enumerations.csv')

# Tags whose Enumeration values come from an enumeration of another name; '@tag' means the value is
# a tag number (2.x Attribute Reference).
TAG_ENUMERATION = {
    'Attribute Reference': '@tag',
    'Mask Generator Hashing Algorithm': 'Hashing Algorithm',
    'Digest Hashing Algorithm': 'Hashing Algorithm',  # not a KMIP tag; harmless if absent
    'Key Wrap Type': 'Key Wrap Type',
    'Object Types': 'Object Type',
    'Operations': 'Operation',
    'Validity Indicator': 'Validity Indicator',
    'Linked Object Identifier': 'Unique Identifier',
    'PKCS#11 Function': 'PKCS#11 Function',
    'PKCS#11 Return Code': 'PKCS#11 Return Code',
    'Unique Identifier': 'Unique Identifier',
    'Private Key Unique Identifier': 'Unique Identifier',
    'Public Key Unique Identifier': 'Unique Identifier',
    'Replaced Unique Identifier': 'Unique Identifier',
    'Certificate Request Unique Identifier': 'Unique Identifier',
    'Protection Storage Mask': 'Protection Storage Mask',
    'Tag': '@tag',
}
# Integer tags whose values are masks.
MASK_TAGS = {
    'Cryptographic Usage Mask': 'Cryptographic Usage Mask',
    'Storage Status Mask': 'Storage Status Mask',
    'Protection Storage Mask': 'Protection Storage Mask',
}

PSEUDO_TAGS = {'(Unused)', '(Reserved)', 'Reserved', 'Extensions'}


def ranges(versions):
    """'1.0-1.4' style text for a list of versions (contiguous runs joined by ';')."""
    idx = sorted(VERSIONS.index(v) for v in versions)
    runs, start, prev = [], idx[0], idx[0]
    for i in idx[1:]:
        if i != prev + 1:
            runs.append((start, prev))
            start = i
        prev = i
    runs.append((start, prev))
    return ';'.join(VERSIONS[a] if a == b else f'{VERSIONS[a]}-{VERSIONS[b]}' for a, b in runs)


def read_tags(src):
    tags = {}   # name -> {'value': hex, 'versions': [...], 'note': ...}
    for v in VERSIONS:
        with open(os.path.join(src, 'oasis-spec-extracted', f'kmip-{v}-tags.csv'), newline='') as f:
            for r in csv.DictReader(f):
                name = r['name'].strip()
                if name in PSEUDO_TAGS or not r['tag_hex']:
                    continue
                t = tags.setdefault(name, {'value': int(r['tag_hex'], 16), 'versions': [], 'note': ''})
                if t['value'] != int(r['tag_hex'], 16):
                    raise SystemExit(f'tag {name}: value changes in {v}')
                t['versions'].append(v)
                if 'deprecated' in r['note']:
                    t['note'] = 'deprecated as of 1.1' if '1.1' in r['note'] else 'deprecated'
    return tags


def read_enumerations(src):
    enums = {}  # (kind, enumeration) -> {name -> {'value': int, 'versions': [...]}}
    for v in VERSIONS:
        with open(os.path.join(src, 'oasis-spec-extracted', f'kmip-{v}-enumerations-and-masks.csv'),
                  newline='') as f:
            for r in csv.DictReader(f):
                if not r['value_hex'] or r['name'].strip() == '(Reserved)':
                    continue
                enum = ENUMERATION_CORRECTIONS.get(r['enumeration'], r['enumeration'])
                name = NAME_CORRECTIONS.get((enum, r['name'].strip()), r['name'].strip())
                values = enums.setdefault((r['kind'], enum), {})
                e = values.setdefault(name, {'value': int(r['value_hex'], 16), 'versions': []})
                if e['value'] != int(r['value_hex'], 16):
                    raise SystemExit(f'{enum}/{name}: value changes in {v}')
                if v not in e['versions']:
                    e['versions'].append(v)
    with open(EXTRA_ENUMERATIONS_FILE, newline='') as f:
        for r in csv.DictReader(f):
            values = enums.setdefault(('enumeration', r['enumeration']), {})
            values[r['name']] = {'value': int(r['value'], 16), 'versions': expand(r['versions'])}
    return enums


def expand(text):
    out = []
    for part in text.split(';'):
        a, _, b = part.partition('-')
        b = b or a
        out.extend(VERSIONS[VERSIONS.index(a):VERSIONS.index(b) + 1])
    return out


def read_tag_types():
    types = {}
    with open(os.path.join(HERE, 'tag-types.csv'), newline='') as f:
        for r in csv.DictReader(f):
            types[r['name']] = r['item_type'].strip()
    return types


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..', '..', 'shared',
                                                             'conformance', 'spec-tables')
    tags = read_tags(src)
    enums = read_enumerations(src)
    types = read_tag_types()
    enum_names = {e for (k, e) in enums}

    out = io.StringIO()
    w = csv.writer(out, lineterminator='\n')
    w.writerow(['kind', 'enumeration', 'name', 'value', 'item_type', 'values_from', 'versions', 'note'])
    item_types = {}  # canonical name -> (value, versions); 1.x spells "Date-Time", 2.x "Date Time"
    for v in VERSIONS:
        with open(os.path.join(src, 'oasis-spec-extracted', f'kmip-{v}-item-types.csv'), newline='') as f:
            for r in csv.DictReader(f):
                name = r['name'].replace('-', ' ')
                it = item_types.setdefault(name, (int(r['value'], 16), []))
                it[1].append(v)
    for name, (value, versions) in sorted(item_types.items(), key=lambda kv: kv[1][0]):
        w.writerow(['item-type', '', name, f'0x{value:02X}', '', '', ranges(versions), ''])
    missing_types = []
    open_enumeration_tags = []
    for name, t in sorted(tags.items(), key=lambda kv: kv[1]['value']):
        item_type = types.get(name, '')
        if not item_type:
            missing_types.append(name)
        values_from = ''
        first = item_type.split('|')[0]
        if name in MASK_TAGS:
            values_from = MASK_TAGS[name]
        elif 'Enumeration' in item_type.split('|'):
            values_from = TAG_ENUMERATION.get(name, name if name in enum_names else '')
            if not values_from:
                open_enumeration_tags.append(name)
        w.writerow(['tag', '', name, f"0x{t['value']:06X}", item_type, values_from,
                    ranges(t['versions']), t['note']])
    if missing_types:
        raise SystemExit(f'no item type for tags: {missing_types}')
    for (kind, enum), values in sorted(enums.items()):
        for name, e in sorted(values.items(), key=lambda kv: kv[1]['value']):
            w.writerow([kind, enum, name, f"0x{e['value']:08X}", '', '', ranges(e['versions']), ''])
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w', newline='') as f:
        f.write(out.getvalue())
    if open_enumeration_tags:
        print('Enumeration tags without a named enumeration (values shown in hex):', ', '.join(open_enumeration_tags))
    print(f'wrote {OUT}: {len(tags)} tags, {sum(len(v) for v in enums.values())} enumeration and mask values')


if __name__ == '__main__':
    main()
