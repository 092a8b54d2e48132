// Types of the <regsim-figure> element (the package's "regsim/figure"; docs/embedding.md):
// its attributes, its scripting members and events. Importing "regsim/figure" defines the element.

import type { PresetName, MetricName, Stat } from './index.js';

/** The element's attributes, as text (an attribute is text; numbers and flags as written). */
export interface RegsimFigureAttributes {
  /** The reform: a preset's name (default sb1047). */
  preset?: PresetName;
  /** What the reform is compared with: a preset's name (default none). */
  baseline?: PresetName;
  /** Parameters that differ from the reform's preset: "name=value; name=value". */
  set?: string;
  /** The random seed both arms share (default 1). */
  seed?: string;
  /** Paired runs per scenario, 1–4,096 (default 32); in a drivers figure, per point, 1–256 (default 16). */
  replicates?: string;
  /** The horizon, 1–200 quarters (default 40). */
  quarters?: string;
  /** The first year, 2000–2100 (default 2025). */
  start?: string;
  /** Present (or "true"): with parameter uncertainty (each run draws the calibrated parameters left at their defaults). */
  uncertainty?: '' | 'true' | 'false' | 'uncertainty';
  /** One or more metrics or chart names, comma-separated, at most 12 (default hhi); in a drivers figure, one metric. */
  metric?: string;
  /** What the reader may change: parameters, preset, baseline, difference; comma-separated, or none. */
  controls?: string;
  /** Present (or "true"): show the paired difference, reform − baseline. */
  difference?: '' | 'true' | 'false' | 'difference';
  /** Each chart's height in pixels, 100–1,000. */
  height?: string;
  /** The caption; "" shows none. */
  caption?: string;
  /** light (default), dark, or auto (the reader's system setting). */
  theme?: 'light' | 'dark' | 'auto';
  /** The address of the full app, for "Open in regsim" (default: the app beside the script). */
  app?: string;
  /** "What drives this?" instead of charts over time: tornado or morris. */
  drivers?: 'tornado' | 'morris';
  /** A drivers figure's years, "2034" or "2030-2034" (default: the last simulated year). */
  years?: string;
  /** What a drivers figure's bars measure: effect (default), reform or baseline. */
  measure?: 'effect' | 'reform' | 'baseline';
  /** How many of the most uncertain parameters a drivers figure moves (default 20). */
  parameters?: string;
  /** A Morris figure's trajectories, 2–100 (default 10). */
  trajectories?: string;
}

export type RegsimFigureAttribute = keyof RegsimFigureAttributes;

export type RegsimFigureStatus = 'loading' | 'running' | 'idle' | 'invalid' | 'error';

/** A series as plain numbers (null where a quarter has no value). */
export type PlainBand = Record<Stat, (number | null)[]>;

/**
 * What a figure shows: its scenario (as attributes would give it), its words and its numbers.
 * A "What drives this?" figure (mode drivers) has no series; it has `drivers` and its bars.
 */
export interface RegsimFigureResults {
  status: RegsimFigureStatus;
  mode: 'levels' | 'difference' | 'drivers';
  /** In a drivers figure, `replicates` are per point. */
  scenario: { preset: PresetName; baseline: PresetName; set: string; seed: number; replicates: number; quarters: number; start: number; uncertainty: boolean };
  labels: { baseline: string; reform: string };
  summary: string;
  /** The "Open in regsim" address. */
  link: string;
  quarters: string[];
  series: Partial<Record<MetricName, { baseline: PlainBand; reform: PlainBand; difference: PlainBand }>>;
  /** A drivers figure's settings. */
  drivers?: { kind: 'tornado' | 'morris'; metric: MetricName; from: number; to: number; measure: 'effect' | 'reform' | 'baseline'; parameters: number; replicates: number; trajectories?: number };
  /** Tornado: the output with every parameter as set (means over replicates). */
  base?: number;
  /** Tornado: each parameter's output at its low and high end, largest swing first. */
  bars?: { parameter: string; low: number; high: number; swing: number }[];
  /** Morris: the trajectories the indices are from. */
  trajectories?: number;
  /** Morris: each parameter's indices, as the model gives them. */
  factors?: { parameter: string; mu: number; mu_star: number; mu_star_conf: number; sigma: number }[];
}

/** update()'s changes: attributes (null removes one) and parameter values by path or short name. */
export interface RegsimFigureUpdate {
  options?: { [K in RegsimFigureAttribute]?: string | number | boolean | null };
  params?: Record<string, string | number | boolean | null>;
}

export interface RegsimFigureElement extends HTMLElement {
  readonly status: RegsimFigureStatus;
  /** The lines shown when the status is invalid or error. */
  readonly errors: string[];
  /** null before the first result. */
  readonly results: RegsimFigureResults | null;
  /** How many results have been drawn. */
  readonly drawCount: number;
  /** All or nothing: rejects with an Error whose `errors` lists every problem, changing nothing. */
  update(changes: RegsimFigureUpdate): Promise<void>;
  setParams(params: Record<string, string | number | boolean | null>): Promise<void>;
  /** Undo the reader's changes. */
  reset(): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'regsim-figure': RegsimFigureElement;
  }
  interface HTMLElementEventMap {
    'regsim:results': CustomEvent<RegsimFigureResults>;
    'regsim:error': CustomEvent<{ status: RegsimFigureStatus; errors: string[] }>;
  }
}
