// "With parameter uncertainty" (simulation.uncertainty): whether a result's runs include it, and
// what the summary and figures say about it.

/** Whether a result's runs include parameter uncertainty. */
export function withUncertainty(result) {
  return !!result.baseline?.scenario?.simulation?.uncertainty;
}

export const UNCERTAINTY_NOTE =
  'Ranges include parameter uncertainty: each run takes the calibrated parameters that the scenario leaves at their defaults from one of the calibration’s accepted parameter sets, so they show what the model does not know as well as chance.';
