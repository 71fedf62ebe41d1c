// The Making Data Count icons (lib/spc-icons.js) and the words and precision the box score gives
// them (lib/measure-text.js). Run with: node --test pwa/test/spc-icons.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { variationIcon, assuranceIcon, markIcon, SPC_COLOURS } from '../src/lib/spc-icons.js';
import { variationText, decimalsFor } from '../src/lib/measure-text.js';

const ring = (svg) => /<circle cx="20" cy="20" r="17.5" fill="#fff" stroke="([^"]+)"/.exec(svg)[1];
const letter = (svg) => /<g transform="translate\(20 ([\d.]+)\)" stroke="([^"]+)"/.exec(svg);
const GLYPH = { H: 'M-3.2 -4.5V4.5M3.2 -4.5V4.5M-3.2 0H3.2', L: 'M-2.6 -4.5V4.5H3.4', P: 'M-2.6 4.5V-4.5H0.4', F: 'M3.2 -4.5H-2.6', '?': 'M-2.8 -1.9A2.8' };

test('each variation icon: its ring in the palette, H or L, and a shape of its own for the signal', () => {
  const cases = [
    ['improvement', 'high', SPC_COLOURS.improvement, 'H', /<rect /],
    ['improvement', 'low', SPC_COLOURS.improvement, 'L', /<rect /],
    ['concern', 'high', SPC_COLOURS.concern, 'H', /<path d="M[^"]*Z" fill="#e46c0a"/],
    ['concern', 'low', SPC_COLOURS.concern, 'L', /<path d="M[^"]*Z" fill="#e46c0a"/],
    ['neutral', 'high', SPC_COLOURS.neutral, 'H', /<path d="M[^"]*Z" fill="#490092"/],
    ['neutral', 'low', SPC_COLOURS.neutral, 'L', /<path d="M[^"]*Z" fill="#490092"/],
  ];
  assert.deepEqual(SPC_COLOURS, { common_cause: '#a6a6a6', improvement: '#00b0f0', concern: '#e46c0a', neutral: '#490092', target: '#de1b1b' });
  for (const [variation, side, colour, ch, shape] of cases) {
    const svg = variationIcon(variation, side, 'words');
    assert.equal(ring(svg), colour, variation);
    assert.ok(svg.includes(`d="${GLYPH[ch]}"`), `${variation} ${side} shows ${ch}`);
    // H at the top of the disc and its points below, L the other way round.
    assert.equal(Number(letter(svg)[1]) < 20, side === 'high');
    assert.equal(svg.match(new RegExp(shape.source, 'g'))?.length, 2, `the last two points of ${variation} carry its shape`);
  }
  const common = variationIcon('common_cause', null, 'Common cause');
  assert.equal(ring(common), '#a6a6a6');
  assert.equal(letter(common), null, 'common cause has no letter');
  assert.doesNotMatch(common, /<rect |Z"/, 'and no signal marks');
});

test('letters and outlines are dark enough to read: 4.5:1 on white, whatever the ring colour', () => {
  const luminance = (hex) => {
    const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((x) => (x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const contrast = (hex) => 1.05 / (luminance(hex) + 0.05);
  const icons = ['improvement', 'concern', 'neutral'].flatMap((v) => ['high', 'low'].map((s) => variationIcon(v, s)))
    .concat(['pass', 'fail', 'hit_and_miss'].map((a) => assuranceIcon(a)));
  for (const svg of icons) {
    const colour = letter(svg)[2];
    assert.ok(contrast(colour) >= 4.5, `${colour}: ${contrast(colour).toFixed(2)}:1`);
  }
});

test('each assurance icon: P, F or ?, coloured as passing, failing or hit and miss', () => {
  for (const [assurance, colour, ch] of [['pass', '#00b0f0', 'P'], ['fail', '#e46c0a', 'F'], ['hit_and_miss', '#a6a6a6', '?']]) {
    const svg = assuranceIcon(assurance, 'words');
    assert.equal(ring(svg), colour);
    assert.ok(svg.includes(`d="${GLYPH[ch]}`), `${assurance} shows ${ch}`);
    assert.match(svg, /stroke-dasharray/, 'a dashed target line');
  }
  // Passing draws the target under the process, failing over it.
  const targetY = (svg) => Number(/<path d="M6 ([\d.]+)H34"/.exec(svg)[1]);
  assert.ok(targetY(assuranceIcon('pass')) > targetY(assuranceIcon('fail')));
});

test('an icon with words is an image named by them; without, it is decoration', () => {
  const svg = variationIcon('concern', 'low', 'Special cause: concerning (low) <&>');
  assert.match(svg, /role="img" aria-label="Special cause: concerning \(low\) &#60;&#38;&#62;"><title>Special cause: concerning \(low\) &#60;&#38;&#62;<\/title>/);
  assert.match(variationIcon('concern', 'low'), /aria-hidden="true"/);
  assert.doesNotMatch(variationIcon('concern', 'low'), /role="img"/);
  assert.match(markIcon('improvement'), /aria-hidden="true"[^>]*><rect [^>]*fill="#00b0f0"/);
});

test('the words say the side of the signal when there is one', () => {
  assert.equal(variationText({ variation: 'improvement', variation_side: 'high' }), 'Special cause: improving (high)');
  assert.equal(variationText({ variation: 'neutral', variation_side: 'low' }), 'Special cause: neither better nor worse (low)');
  assert.equal(variationText({ variation: 'common_cause', variation_side: null }), 'Common cause');
  assert.equal(variationText({ variation: null }), 'Not enough data yet');
});

test('levels are shown to the places the measure is counted in', () => {
  assert.equal(decimalsFor({ unit: 'patients' }, [40, 42, null, 41]), 0, 'patients in whole numbers');
  assert.equal(decimalsFor({ unit: 'days' }, [4, 4.2, 3.9]), 1);
  assert.equal(decimalsFor({ unit: '£' }, [120.5, 99.99]), 2);
  assert.equal(decimalsFor({ unit: 'kg' }, [1.23456]), 2, 'never more than two places');
  assert.equal(decimalsFor({ unit: '%' }, [61, 62]), 1, 'percentages to one place');
  assert.equal(decimalsFor({ source: 'derived', derived_unit: 'hours' }, [2, 2.5]), 1, 'hours from minutes to one place');
  assert.equal(decimalsFor({ source: 'derived', derived_unit: 'percent_of_contracted' }, [12]), 1);
  assert.equal(decimalsFor({ unit: null }, []), 0);
});
