/*
 * Gradient checking. gradcheck.ts and activation.ts use only tfjs-core and this library, so a
 * browser page can import them (the Node-side checkAll, which loads backends, is in the tools:
 * benchmarks/src/check).
 */
export { gradcheck, formatGradcheckReport, describeComparison } from './gradcheck';
export type {
  GradcheckComparison,
  GradcheckFunction,
  GradcheckMethod,
  GradcheckMethodSummary,
  GradcheckOptions,
  GradcheckReport,
  GradcheckSettings,
} from './gradcheck';
export { checkActivation, checkActivationOptions, checkOrders, formatActivationReport, kinksOf } from './activation';
export type {
  ActivationCheck,
  ActivationCheckName,
  ActivationCheckOptions,
  ActivationCheckReport,
  ActivationCheckTolerances,
  ErrorFigures,
} from './activation';
export { ulp, ulpDistance, seededRandom } from './float32';
export { DEFAULT_TOLERANCES, tolerancesFor, alphasToCheck } from './settings';
