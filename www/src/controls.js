// One labelled control for one parameter (a control model from params.js): a checkbox, a menu,
// or a slider with a box for an exact value and, for thresholds that can be absent, an "on" box.
// Used by the app's parameter panel and by embedded figures. Text only ever reaches the page
// through textContent or attributes.

import { humanOption } from './params.js';

export function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A value with its unit as a screen reader says it: "$2M per quarter", "1e26 FLOP", "0.5". */
function spoken(txt, unit) {
  if (!unit) return txt;
  // Dollar values already carry their "$": "$/quarter" adds only the period.
  if (unit === '$') return txt;
  if (unit.startsWith('$/')) return `${txt} per ${unit.slice(2)}`;
  return `${txt} ${unit}`;
}

/** The element id of a parameter's control: p-regime-compliance_fixed. */
export const idOf = (path, prefix = 'p') => `${prefix}-${path.replace(/\./g, '-')}`;

/**
 * Build a control. Returns `c = {model, row, err, last, render(value)}`; `row` is the element
 * to insert. The caller keeps the value: `onSet(c, value, event, source)` asks to change it
 * (`source` is 'range' while a slider moves), `current()` reads it, and `fallback()` gives a
 * value for turning an absent threshold back on.
 *
 * @param {object} m  a control model (params.controlModel)
 * @param {{id: string, onSet: Function, current: Function, fallback: Function, tip?: boolean}} o
 */
export function makeControl(m, { id, onSet, current, fallback, tip = true }) {
  const tipId = `${id}-tip`;
  // Each control is its own small form. Chromium's autofill re-reads the whole form around a
  // field the user changes; the page's ~90 fields as one (formless) form cost it ~55 ms of a
  // core per slider step, taken from the simulation's workers. A form of one or two fields is
  // below its threshold and costs ~1 ms. Implicit submission (Enter in the text box) is stopped.
  const row = el('form', { class: 'param', 'data-path': m.path });
  row.addEventListener('submit', (e) => e.preventDefault());
  const head = el('div', { class: 'param-head' });
  const label = el('label', { for: id }, m.label);
  head.append(label);
  if (m.unitText || m.unit) head.append(el('span', { class: 'unit' }, m.unitText ?? m.unit));
  row.append(head);
  const body = el('div', { class: 'param-body' });
  row.append(body);
  const describedBy = tip ? tipId : null;
  if (tip) {
    const t = el('div', { class: 'tip', id: tipId, role: 'tooltip' });
    if (m.doc) t.append(el('span', { class: 'tip-doc' }, m.doc.replace(/\(null: /g, '(off: ')));
    if (m.source) t.append(el('span', { class: 'tip-src' }, `Source: ${m.source}`));
    row.append(t);
  }
  const err = el('p', { class: 'param-error', id: `${id}-err`, 'aria-live': 'polite' });
  row.append(err);
  const c = { model: m, row, err, last: null };

  if (m.kind === 'bool') {
    const box = el('input', { type: 'checkbox', id, 'aria-describedby': describedBy });
    body.append(box, el('span', { class: 'value-text', 'aria-hidden': 'true' }));
    box.addEventListener('change', (e) => onSet(c, box.checked, e));
    c.render = (v) => {
      box.checked = !!v;
      body.querySelector('.value-text').textContent = v ? 'on' : 'off';
    };
  } else if (m.kind === 'choice') {
    const sel = el('select', { id, 'aria-describedby': describedBy });
    for (const o of m.options) sel.append(el('option', { value: o }, humanOption(o)));
    body.append(sel);
    sel.addEventListener('change', (e) => onSet(c, sel.value, e));
    c.render = (v) => {
      sel.value = v;
    };
  } else {
    let on = null;
    if (m.optional) {
      on = el('input', { type: 'checkbox', id: `${id}-on`, class: 'on', 'aria-label': `${m.label}: on (off means none)`, 'aria-describedby': describedBy });
      const onLabel = el('label', { class: 'on-label', for: `${id}-on` });
      onLabel.append(on, el('span', { 'aria-hidden': 'true' }, 'on'));
      body.append(onLabel);
      on.addEventListener('change', (e) => {
        const v = on.checked ? c.last ?? fallback() : null;
        onSet(c, v, e);
      });
    }
    let range = null;
    if (m.slider) {
      const s = m.slider;
      range =
        s.type === 'grid'
          ? el('input', { type: 'range', id, min: 0, max: s.values.length - 1, step: 1, 'aria-describedby': describedBy })
          : el('input', { type: 'range', id, min: s.min, max: s.max, step: s.step, 'aria-describedby': describedBy });
      body.append(range);
      range.addEventListener('input', (e) => onSet(c, m.fromSlider(range.value), e, 'range'));
    }
    const text = el('input', {
      type: 'text',
      id: range ? `${id}-text` : id,
      class: 'value',
      inputmode: 'decimal',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-label': range ? `${m.label}, exact value${m.unitText ? ` in ${m.unitText}` : ''}` : null,
      'aria-describedby': `${describedBy ? `${describedBy} ` : ''}${id}-err`,
    });
    body.append(text);
    text.addEventListener('change', (e) => {
      const p = m.parse(text.value);
      if (p.error) {
        c.render(current());
        err.textContent = p.error;
        return;
      }
      onSet(c, p.value, e);
    });
    c.render = (v) => {
      err.textContent = '';
      if (v !== null) c.last = v;
      const txt = m.format(v);
      text.value = txt;
      if (on) on.checked = v !== null;
      if (range) {
        range.disabled = v === null;
        const root = range.getRootNode();
        const pos = m.toSlider(v ?? c.last ?? fallback());
        if (pos !== null && root.activeElement !== range) range.value = String(pos);
        else if (pos !== null && m.slider.type === 'grid' && Number(range.value) !== pos) range.value = String(pos);
        range.setAttribute('aria-valuetext', v === null ? 'none' : spoken(txt, m.unitText));
      }
    };
  }
  return c;
}
