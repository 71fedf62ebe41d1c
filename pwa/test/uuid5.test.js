// uuid5 must give Python's uuid.uuid5 answers: measure_values record ids are computed on both sides
// (server/measures/collections.py measure_value_id). Expected ids below were printed by Python 3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { uuid5, sha1Hex, measureValueId, MEASURE_VALUE_NAMESPACE } from '../src/lib/uuid5.js';

const PYTHON = [
  ['m-1/2026-11-23', '29912563-1c15-5cc0-86f6-da51ac99ad7e'],
  ['', 'a9805e23-9be6-5106-b1b6-6d0730b1bec7'],
  ['x'.repeat(39), 'ca7495d2-4f96-5095-880e-e3d0a5a7df89'], // 55 bytes with the namespace: one block
  ['x'.repeat(40), '872d417d-3cd8-5b37-9793-2cf92ad77361'], // 56 bytes: the length spills into a second block
  ['x'.repeat(48), '643713da-441e-53be-a92c-9cf8dee5cc52'], // exactly 64 bytes
  ['a'.repeat(119), '4736ed00-6d06-5533-be64-31f0a3f6ea1e'],
  ['\u00e9 \u00fcn\u00efcode \ud83d\ude91/2026-01-05', 'ffbc7475-007d-50af-a834-63a1cd419e4b'],
  ['3f2504e0-4f89-11d3-9a0c-0305e82c3301/2000-01-03', '3d31509d-ad99-5bf7-82a7-275612980a5c'],
];

for (const [name, expected] of PYTHON) {
  test(`uuid5(measure value namespace, ${JSON.stringify(name.slice(0, 20))}…) equals Python`, () => {
    assert.equal(uuid5(MEASURE_VALUE_NAMESPACE, name), expected);
  });
}

test('uuid5 with the DNS namespace equals Python (uuid.uuid5(NAMESPACE_DNS, "python.org"))', () => {
  assert.equal(uuid5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org'), '886313e1-3b8a-5372-9b90-0c9aee199e5d');
});

test('measureValueId is uuid5 of "<measure_id>/<week_start>"', () => {
  assert.equal(measureValueId('m-1', '2026-11-23'), '29912563-1c15-5cc0-86f6-da51ac99ad7e');
});

test('sha1 equals node:crypto for every length from 0 to 300 bytes', () => {
  for (let n = 0; n <= 300; n++) {
    const text = Array.from({ length: n }, (_, i) => String.fromCharCode(33 + ((i * 7 + n) % 90))).join('');
    assert.equal(sha1Hex(text), createHash('sha1').update(text).digest('hex'), `length ${n}`);
  }
});

test('uuid5 refuses a namespace that is not a UUID', () => {
  assert.throws(() => uuid5('not-a-uuid', 'x'), RangeError);
});
