/*
 * Gradient checking. gradcheck.ts and activation.ts use only tfjs-core and this library, so a
 * browser page can import them; checkAll.ts also loads Node backends (src/backends.ts).
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
export { checkActivation, formatActivationReport, kinksOf } from './activation';
export type {
  ActivationCheck,
  ActivationCheckName,
  ActivationCheckOptions,
  ActivationCheckReport,
  ActivationCheckTolerances,
  ErrorFigures,
} from './activation';
export { checkAll, formatCheckTable, formatAccuracyTable } from './checkAll';
export type { BackendCheckResult, BackendCheckRunner, CheckAllOptions, CheckAllReport } from './checkAll';
export { ulp, ulpDistance, seededRandom } from './float32';
