// Types of regsim's JavaScript API (the package's "regsim"; www/src/api/model.js). The package's
// tests check them with tsc, and check that the preset and metric names below are the model's.

/** The presets, in menu order. */
export type PresetName = 'none' | 'sb1047' | 'sb53' | 'eu_gpai' | 'strict_all' | 'open_safe_harbor';

/** The metrics, in output order (docs/MODEL.md §5). */
export type MetricName =
  | 'hhi'
  | 'hhi_ecosystem'
  | 'cr4'
  | 'n_developers'
  | 'n_derivatives'
  | 'open_share_usage'
  | 'open_share_models'
  | 'open_share_current'
  | 'frontier_capability'
  | 'open_frontier_capability'
  | 'open_lag_quarters'
  | 'outside_share_usage'
  | 'outside_share_open_usage'
  | 'open_frontier_outside'
  | 'incidents'
  | 'harm_usd'
  | 'critical_harms'
  | 'liability_paid_usd'
  | 'compliance_spend_usd'
  | 'training_spend_usd'
  | 'new_top_model_cost_usd'
  | 'consumer_surplus'
  | 'covered_models'
  | 'entries'
  | 'derivative_entries'
  | 'exits'
  | 'liability_bankruptcies'
  | 'bunching'
  | 'safety_large'
  | 'safety_small';

/** The statistics of a band over replicates. */
export type Stat = 'mean' | 'p5' | 'p25' | 'p50' | 'p75' | 'p95';

/** A value a scenario's field holds. */
export type ScenarioValue = number | string | boolean | null;
/** A group of a scenario's fields (nested for the developer archetypes). */
export interface ScenarioGroup {
  [field: string]: ScenarioValue | ScenarioGroup;
}

/**
 * A scenario: every field optional (a missing one takes the default scenario's value). The
 * parameter table (parameters()) lists the fields, docs/MODEL.md explains them.
 */
export interface Scenario {
  schema_version?: number;
  label?: string;
  simulation?: {
    seed?: number;
    replicates?: number;
    quarters?: number;
    start_year?: number;
  };
  regime?: ScenarioGroup;
  market?: ScenarioGroup;
  technology?: ScenarioGroup;
  firms?: ScenarioGroup;
  derivatives?: ScenarioGroup;
  entry?: ScenarioGroup;
  harms?: ScenarioGroup;
  decision?: ScenarioGroup;
}

/** A whole scenario, as presets and defaultScenario() give it. */
export type FullScenario = Required<Omit<Scenario, 'simulation'>> & {
  simulation: Required<NonNullable<Scenario['simulation']>>;
};

/** A scenario argument: a scenario object, or a preset's name. */
export type ScenarioInput = Scenario | PresetName;

/** The kind of value a parameter holds. */
export type ParamKind =
  | { type: 'number' }
  | { type: 'integer' }
  | { type: 'optional_number' }
  | { type: 'bool' }
  | { type: 'choice'; options: string[] };

/** One row of the parameter table. */
export interface ParamSpec {
  /** Dotted path in the scenario, e.g. "regime.compliance_fixed". */
  path: string;
  group: string;
  label: string;
  unit: string;
  kind: ParamKind;
  min: number;
  max: number;
  log_scale: boolean;
  doc: string;
  /** Where the default comes from; "[A]" marks an assumption. */
  source: string;
}

export interface MetricInfo {
  name: MetricName;
  description: string;
}

/** A problem with a scenario: the field, the value as given, what is allowed. */
export interface Problem {
  field: string;
  value: string;
  allowed: string;
}

/** Everything about the model at once. */
export interface Catalog {
  version: string;
  names: PresetName[];
  presets: Record<PresetName, FullScenario>;
  descriptions: Record<PresetName, string>;
  specs: ParamSpec[];
  metrics: MetricInfo[];
  maxReplicates: number;
  defaults: FullScenario;
}

/** One band per statistic, one value per quarter (NaN where a quarter has no value). */
export type Band = Record<Stat, Float64Array>;
export type Metrics = Record<MetricName, Band>;

/** One scenario's ensemble. */
export interface Arm {
  scenario: FullScenario;
  metrics: Metrics;
}

/** What run() gives: an ensemble of one scenario (its arm is called baseline). */
export interface EnsembleResult {
  /** The model's version that computed it. */
  version: string;
  /** Quarter labels, e.g. "2025Q1". */
  quarters: string[];
  /** Each quarter as a fractional year (2025, 2025.25, …). */
  years: Float64Array;
  replicates: number;
  baseline: Arm;
}

/** What compare() gives: both arms, and the paired differences (reform − baseline). */
export interface ComparisonResult extends EnsembleResult {
  reform: Arm;
  difference: { metrics: Metrics };
}

export interface Progress {
  /** Runs done, of `total` (each replicate of each arm is a run). */
  done: number;
  total: number;
}

export interface RunOptions {
  /** Paired replicates, 1 to maxReplicates() (default: the scenario's simulation.replicates). */
  replicates?: number;
  /** Called as runs finish; an error it throws stops the run and rejects the promise. */
  onProgress?: (progress: Progress) => void;
  /** Aborting it stops the run; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface ModelOptions {
  /** Workers (1–64): Web Workers in a browser, worker threads in Node.js (default: up to 4). */
  workers?: number;
}

/** A model with its own pool of workers. */
export interface Model {
  readonly workers: number;
  catalog(): Promise<Catalog>;
  version(): Promise<string>;
  presetNames(): Promise<PresetName[]>;
  preset(name: PresetName): Promise<FullScenario>;
  presetDescription(name: PresetName): Promise<string>;
  defaultScenario(): Promise<FullScenario>;
  parameters(): Promise<ParamSpec[]>;
  metrics(): Promise<MetricInfo[]>;
  maxReplicates(): Promise<number>;
  validate(scenario: ScenarioInput): Promise<Problem[]>;
  run(scenario: ScenarioInput, options?: RunOptions): Promise<EnsembleResult>;
  compare(baseline: ScenarioInput, reform: ScenarioInput, options?: RunOptions): Promise<ComparisonResult>;
  /** Stop the workers; later calls reject. */
  close(): void;
}

/** A model with its own workers (the functions below share one, made on first use). */
export function createModel(options?: ModelOptions): Model;
/** Stop the shared model's workers (a later call starts new ones). */
export function close(): void;

export function catalog(): Promise<Catalog>;
export function version(): Promise<string>;
export function presetNames(): Promise<PresetName[]>;
export function preset(name: PresetName): Promise<FullScenario>;
export function presetDescription(name: PresetName): Promise<string>;
export function defaultScenario(): Promise<FullScenario>;
export function parameters(): Promise<ParamSpec[]>;
export function metrics(): Promise<MetricInfo[]>;
export function maxReplicates(): Promise<number>;
export function validate(scenario: ScenarioInput): Promise<Problem[]>;
export function run(scenario: ScenarioInput, options?: RunOptions): Promise<EnsembleResult>;
export function compare(baseline: ScenarioInput, reform: ScenarioInput, options?: RunOptions): Promise<ComparisonResult>;
