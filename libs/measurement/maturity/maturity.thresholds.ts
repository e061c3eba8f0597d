/**
 * Every threshold the maturity assessment (docs/design.md §3, "Maturity stage") judges by, in one
 * place. Each is returned beside its measured value in the assessment, so a reader sees why the
 * program stands where it does. Changing a number here changes the verdict and nothing else.
 *
 * Stages are cumulative: a program is at stage 2 when the stage-2 evidence passes, at stage 3 when
 * the stage-2 and stage-3 evidence passes, and so on; stage 1 needs nothing.
 */
export const MATURITY_THRESHOLDS = {
  /**
   * Stage 2 (behavioral): at least this share of the firings decided in the period were armed by
   * a behavioral or predictive signal (the kind of the stored signal the firing names), rather
   * than by identity events, schedules, or signals never sent to Causeway.
   */
  behavioralFiringShare: 0.5,

  /**
   * Stage 3 (within windows): at least this share of the triggers with measured sent firings
   * have a median end-to-end latency within their relevance window (per firing, latency ÷ the
   * window of the definition version it names; the median of that ratio at most 1). 1 = every
   * trigger.
   */
  triggersWithMedianLatencyWithinWindow: 1,

  /**
   * Stage 3 (across channels): in every channel, at least this share of the measured sent
   * treatment firings acted within the window of their definition version.
   */
  channelWithinWindowRate: 0.9,

  /**
   * Stage 3 (with holdouts): at least this share of the live triggers have a holdout big enough
   * to detect `holdoutDetectableRelativeLift` with `holdoutPower` at two-sided level
   * `holdoutAlpha` (minimum detectable relative lift of the unpooled two-proportion z-test at
   * their treated and control persons and control conversion rate), with no sample-ratio
   * mismatch flagged.
   */
  holdoutCoverage: 0.8,
  holdoutDetectableRelativeLift: 0.1,
  holdoutPower: 0.8,
  holdoutAlpha: 0.05,

  /**
   * Stage 3 (clean suppression): at most this many suppression failures (converted-then-targeted,
   * converted in flight and cap breaches, as suppressionAudit counts them) per sent firing.
   */
  suppressionFailureRate: 0.01,

  /**
   * Stage 3 (clean consent): at most this many non-compliant activations (sent treatment firings
   * without consent for the trigger's purpose, as consentAudit counts them). Zero: each one is a
   * message the person had revoked, or never granted.
   */
  consentViolations: 0,

  /** Stage 4 (predictive): at least this share of the firings armed by predictive signals. */
  predictiveFiringShare: 0.1,

  /**
   * Stage 4 (fresh inputs): at most this many predictive signal types (per source) whose p90
   * ingest lag plus p90 model-input age exceeds the window of a trigger they arm (signalFreshness
   * flags them stale).
   */
  stalePredictiveInputs: 0,
} as const;

export type MaturityThresholds = typeof MATURITY_THRESHOLDS;

/** The stages and their labels (docs/design.md §3). */
export const MATURITY_STAGES = {
  1: 'identity and schedules',
  // stage 2's label names the stage-3 evidence that fails ("behavioral, not yet measured, ...")
  2: 'behavioral, not yet fast, measured and clean',
  3: 'behavioral within windows across channels, with holdouts, clean suppression and consent',
  4: 'predictive signals on fresh inputs',
} as const;

export type MaturityStage = keyof typeof MATURITY_STAGES;
